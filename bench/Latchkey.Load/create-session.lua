-- POST /connect/sessions: one new session per request.
wrk.method = "POST"
wrk.path = "/connect/sessions"
wrk.body = '{"end_user":{"id":"load-user","email":"load@example.com","display_name":"Load Test"},"tags":{"source":"wrk"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("LK_SECRET_KEY")
