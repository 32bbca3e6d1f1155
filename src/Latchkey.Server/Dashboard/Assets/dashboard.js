// The dashboard's only script (its CSP allows no inline one). Every page works without it; it adds Copy buttons,
// local times and the live Connect UI preview of the settings page.

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

// Instants (<time datetime>) in the browser's own time zone, with the relative wording of RelativeTime.cs (keep the
// two in step). The server writes them in UTC, which is what a page without this script shows.
var localFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
});

function describe(at, now) {
  var seconds = (at - now) / 1000;
  var size = Math.abs(seconds);
  var amount = size < 60 ? null
    : size < 90 * 60 ? Math.round(size / 60) + ' min'
      : size < 48 * 3600 ? Math.round(size / 3600) + ' h'
        : Math.round(size / 86400) + ' days';
  if (amount === null) return seconds >= 0 ? 'in less than a minute' : 'less than a minute ago';
  return seconds >= 0 ? 'in ' + amount : amount + ' ago';
}

function showLocalTimes() {
  document.querySelectorAll('time[datetime]').forEach(function (time) {
    var at = new Date(time.getAttribute('datetime'));
    time.textContent = localFormat.format(at) + ' (' + describe(at.getTime(), Date.now()) + ')';
  });
}

showLocalTimes();
setInterval(showLocalTimes, 30000);

// The settings page's Connect UI preview: the real UI in preview mode, sent the form's unsaved colours, theme and
// watermark as `settings_changed` (spec §2.10) on every edit. Nothing is saved until the form is. The UI may say
// `ready` before this script runs, so the settings also go out at once and when the frame has loaded; the UI keeps
// the latest.
var preview = document.getElementById('connect-ui-preview');
if (preview) {
  var settingsForm = preview.closest('form');
  var strings = JSON.parse(preview.dataset.strings || '{}');
  var sendPreview = function () {
    var fields = settingsForm.elements;
    preview.contentWindow.postMessage({
      type: 'settings_changed',
      payload: {
        theme: { light: { primary: fields.light_primary.value.trim() }, dark: { primary: fields.dark_primary.value.trim() } },
        defaultTheme: fields.default_theme.value,
        showWatermark: fields.show_watermark.checked,
        strings: strings,
      },
    }, new URL(preview.src).origin);
  };
  settingsForm.addEventListener('input', sendPreview);
  settingsForm.addEventListener('change', sendPreview);
  preview.addEventListener('load', sendPreview);
  window.addEventListener('message', function (event) {
    if (event.source === preview.contentWindow && event.data && event.data.type === 'ready') sendPreview();
  });
  sendPreview();
}

// Passkeys (WebAuthn). A form marked data-webauthn="create" or "get" carries the server's options as JSON in
// data-options, binary members in base64url (the Fido2 library's format). Submitting it asks the browser for a new
// passkey or a signature, puts the answer, as JSON in base64url again, into its "credential" field and posts it.
function fromBase64Url(text) {
  var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  while (base64.length % 4) base64 += '=';
  var binary = atob(base64);
  var bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function toBase64Url(buffer) {
  var bytes = new Uint8Array(buffer);
  var binary = '';
  for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// The browser refuses null where it expects a dictionary or a string: members without a value are dropped.
function withoutNulls(value) {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  var result = {};
  Object.keys(value).forEach(function (key) {
    if (value[key] !== null) result[key] = withoutNulls(value[key]);
  });
  return result;
}

function publicKeyOptions(json, kind) {
  var options = withoutNulls(JSON.parse(json));
  options.challenge = fromBase64Url(options.challenge);
  if (kind === 'create') options.user.id = fromBase64Url(options.user.id);
  (options.excludeCredentials || options.allowCredentials || []).forEach(function (credential) { credential.id = fromBase64Url(credential.id); });
  return options;
}

function credentialJson(credential) {
  var response = credential.response;
  var answer = { id: credential.id, rawId: toBase64Url(credential.rawId), type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(), response: { clientDataJSON: toBase64Url(response.clientDataJSON) } };
  if (response.attestationObject) {
    answer.response.attestationObject = toBase64Url(response.attestationObject);
    answer.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    answer.response.authenticatorData = toBase64Url(response.authenticatorData);
    answer.response.signature = toBase64Url(response.signature);
    if (response.userHandle) answer.response.userHandle = toBase64Url(response.userHandle);
  }
  return JSON.stringify(answer);
}

document.querySelectorAll('form[data-webauthn]').forEach(function (form) {
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!window.PublicKeyCredential) {
      alert('This browser does not support passkeys.');
      return;
    }
    var kind = form.dataset.webauthn;
    var publicKey = publicKeyOptions(form.dataset.options, kind);
    var asked = kind === 'create' ? navigator.credentials.create({ publicKey: publicKey }) : navigator.credentials.get({ publicKey: publicKey });
    asked.then(function (credential) {
      form.elements.credential.value = credentialJson(credential);
      form.submit();
    }, function (error) {
      form.dataset.error = error.name;
      alert('No passkey was ' + (kind === 'create' ? 'created' : 'used') + ': ' + error.message);
    });
  });
});
