// The dashboard's only script (its CSP allows no inline one). Every page works without it; it adds Copy buttons.

// A button with data-copy="#id" copies that element's value or text. An element marked data-masked shows the secret
// masked: the button's form (the Reveal form, with its antiforgery token) is posted to fetch the secret as JSON.
function textToCopy(button, target) {
  if (target.dataset.masked !== 'true') {
    return Promise.resolve(target.value || target.textContent.trim());
  }
  return fetch(button.form.action, {
    method: 'POST',
    body: new FormData(button.form),
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  }).then(function (response) {
    if (!response.ok) throw new Error('The server answered ' + response.status + '.');
    return response.json();
  }).then(function (answer) { return answer.secret_key; });
}

// ClipboardItem takes a promise, so the copy still counts as the click's even when the text arrives later (Safari).
function writeClipboard(text) {
  if (window.ClipboardItem && navigator.clipboard.write) {
    var blob = text.then(function (value) { return new Blob([value], { type: 'text/plain' }); });
    return navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
  }
  return text.then(function (value) { return navigator.clipboard.writeText(value); });
}

document.querySelectorAll('button[data-copy]').forEach(function (button) {
  var label = button.textContent;
  button.addEventListener('click', function () {
    var target = document.querySelector(button.dataset.copy);
    writeClipboard(textToCopy(button, target)).then(function () {
      button.textContent = 'Copied';
    }, function () {
      button.textContent = 'Copy failed';
    }).then(function () {
      setTimeout(function () { button.textContent = label; }, 3000);
    });
  });
});
