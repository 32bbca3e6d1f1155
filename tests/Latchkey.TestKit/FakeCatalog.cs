namespace Latchkey.TestKit;

/// <summary>
/// The providers file the tests register through <c>LATCHKEY_PROVIDERS_FILE</c>: every URL points at the
/// <see cref="FakeProvider"/>, so nothing leaves the machine.
/// </summary>
public static class FakeCatalog
{
    /// <param name="fakeBaseUrl">The fake's HTTP listener.</param>
    /// <param name="fakeTlsBaseUrl">Its HTTPS listener, which demands a client certificate (defaults to the HTTP one).</param>
    public static string Yaml(string fakeBaseUrl, string? fakeTlsBaseUrl = null) => Entries(fakeBaseUrl, fakeTlsBaseUrl ?? fakeBaseUrl);

    private static string Entries(string fakeBaseUrl, string fakeTlsBaseUrl) => $$"""
        fake-apikey:
          display_name: Fake API Key
          docs: https://docs.example.test/apikey
          auth_mode: API_KEY
          proxy:
            base_url: {{fakeBaseUrl}}
            headers:
              authorization: Bearer ${apiKey}
            verification:
              method: GET
              endpoints: [/api/me]
          credentials:
            apiKey:
              type: string
              title: API Key
              description: Your Fake API key
              secret: true

        # Providers having a bad day, for the "no verdict" errors: nothing listens on port 1 of loopback, /api/status/503
        # answers 503, /api/status/500 answers 500, /api/slow answers after the server's outbound timeout.
        fake-unreachable:
          display_name: Fake Unreachable
          docs: https://docs.example.test/unreachable
          auth_mode: API_KEY
          proxy:
            base_url: http://127.0.0.1:1
            headers:
              authorization: Bearer ${apiKey}
            verification:
              endpoints: [/api/me]

        fake-unavailable:
          display_name: Fake Unavailable
          docs: https://docs.example.test/unavailable
          auth_mode: API_KEY
          proxy:
            base_url: {{fakeBaseUrl}}
            headers:
              authorization: Bearer ${apiKey}
            verification:
              endpoints: [/api/status/503]

        fake-erroring:
          display_name: Fake Erroring
          docs: https://docs.example.test/erroring
          auth_mode: BASIC
          proxy:
            base_url: {{fakeBaseUrl}}
            verification:
              endpoints: [/api/status/500]

        fake-slow:
          display_name: Fake Slow
          docs: https://docs.example.test/slow
          auth_mode: API_KEY
          proxy:
            base_url: {{fakeBaseUrl}}
            headers:
              authorization: Bearer ${apiKey}
            verification:
              endpoints: [/api/slow]

        fake-basic:
          display_name: Fake Basic
          docs: https://docs.example.test/basic
          auth_mode: BASIC
          proxy:
            base_url: {{fakeBaseUrl}}
            verification:
              endpoints: [/api/me]

        fake-region:
          display_name: Fake Regional
          docs: https://docs.example.test/region
          auth_mode: API_KEY
          proxy:
            base_url: {{fakeBaseUrl}}/${connectionConfig.region}
            headers:
              x-api-key: ${apiKey}
            verification:
              endpoints: [/api/me]
          connection_config:
            region:
              type: string
              title: Region
              description: Where your account lives
              enum: [eu, us]

        fake-noverify:
          display_name: Fake Without Verification
          docs: https://docs.example.test/noverify
          auth_mode: API_KEY

        fake-none:
          display_name: Fake Public Data
          docs: https://docs.example.test/none
          auth_mode: NONE

        fake-oauth2:
          display_name: Fake OAuth
          docs: https://docs.example.test/oauth2
          auth_mode: OAUTH2
          authorization_url: {{fakeBaseUrl}}/oauth/authorize
          token_url: {{fakeBaseUrl}}/oauth/token
          authorization_params:
            access_type: offline
          token_params:
            grant_type: authorization_code
          refresh_params:
            grant_type: refresh_token
          default_scopes: [read]
          token_response_metadata: [team.id]
          proxy:
            base_url: {{fakeBaseUrl}}
            verification:
              endpoints: [/api/me]

        fake-oauth1:
          display_name: Fake OAuth 1
          docs: https://docs.example.test/oauth1
          auth_mode: OAUTH1
          request_url: {{fakeBaseUrl}}/oauth1/request_token
          authorization_url: {{fakeBaseUrl}}/oauth1/authorize
          token_url: {{fakeBaseUrl}}/oauth1/access_token
          signature_method: HMAC-SHA1

        fake-github-app:
          display_name: Fake GitHub App
          docs: https://docs.example.test/github-app
          auth_mode: APP
          authorization_url: ${connectionConfig.appPublicLink}/installations/new
          token_url: {{fakeBaseUrl}}/github/app/installations/${connectionConfig.installation_id}/access_tokens
          proxy:
            base_url: {{fakeBaseUrl}}
          connection_config:
            appPublicLink:
              type: string
              automated: true
            installation_id:
              type: string
              automated: true

        fake-github-app-oauth:
          display_name: Fake GitHub App With User Authorization
          docs: https://docs.example.test/github-app-oauth
          auth_mode: CUSTOM
          authorization_url: ${connectionConfig.appPublicLink}/installations/new
          token_url:
            OAUTH2: {{fakeBaseUrl}}/oauth/token
            APP: {{fakeBaseUrl}}/github/app/installations/${connectionConfig.installation_id}/access_tokens
          token_params:
            grant_type: authorization_code
          proxy:
            base_url: {{fakeBaseUrl}}

        fake-buffered-oauth:
          alias: fake-oauth2
          display_name: Fake OAuth with an integer refresh margin
          token_expiration_buffer: 60

        fake-sites-oauth:
          alias: fake-oauth2
          display_name: Fake OAuth With Sites
          post_connection:
            endpoint: {{fakeBaseUrl}}/api/sites
            store:
              cloudId: 0.id
              siteUrl: 0.url
          connection_config:
            cloudId:
              type: string
              automated: true

        fake-sites-missing:
          alias: fake-oauth2
          display_name: Fake OAuth Whose Sites Are Gone
          post_connection:
            endpoint: {{fakeBaseUrl}}/api/no-such-list
            store:
              cloudId: 0.id

        fake-two-step:
          display_name: Fake Two Step
          docs: https://docs.example.test/two-step
          auth_mode: TWO_STEP
          token_url: {{fakeBaseUrl}}/two-step/token
          # Field names that no other SDK route matches: the official SDK sends credentials with client_id and
          # client_secret to the client-credentials endpoint even when their type is TWO_STEP.
          token_params:
            client_id: ${credentials.account_id}
            client_secret: ${credentials.api_secret}
          token_response:
            token: access_token
            token_expiration: expires_in
            token_expiration_strategy: expireIn
          proxy:
            base_url: {{fakeBaseUrl}}
            headers:
              authorization: Bearer ${credentials.token}
            verification:
              endpoints: [/api/me]
          credentials:
            account_id:
              type: string
              title: Account ID
            api_secret:
              type: string
              title: API secret
              secret: true

        fake-refresh-url:
          alias: fake-oauth2
          display_name: Fake OAuth With A Refresh Endpoint
          refresh_url: {{fakeBaseUrl}}/oauth/refresh

        fake-jwt:
          display_name: Fake JWT
          docs: https://docs.example.test/jwt
          auth_mode: JWT
          signature:
            protocol: HMAC
          token:
            signing_key: ${credentials.secret}
            expires_in_ms: 600000
            header:
              kid: ${credentials.keyId}
            payload:
              iss: ${credentials.keyId}
              aud: fake-api
          proxy:
            base_url: {{fakeBaseUrl}}
            headers:
              authorization: Bearer ${credentials.token}
            verification:
              endpoints: [/jwt/me]
          credentials:
            keyId:
              type: string
              title: Key ID
            secret:
              type: string
              title: Signing secret
              secret: true

        fake-tba:
          display_name: Fake TBA
          docs: https://docs.example.test/tba
          auth_mode: TBA
          proxy:
            base_url: {{fakeBaseUrl}}/netsuite/${connectionConfig.accountId}
            verification:
              endpoints: [/services/rest/record/v1/account?limit=1]
          connection_config:
            accountId:
              type: string
              title: Account ID
              pattern: '^[A-Za-z0-9_-]+$'

        fake-bill:
          display_name: Fake Bill
          docs: https://docs.example.test/bill
          auth_mode: BILL
          token_url: {{fakeBaseUrl}}/bill/v3/login
          proxy:
            base_url: {{fakeBaseUrl}}/bill
            headers:
              devKey: ${credentials.dev_key}
              sessionId: ${credentials.session_id}
            verification:
              endpoints: [/v3/login/session]

        fake-signature:
          display_name: Fake WSSE
          docs: https://docs.example.test/wsse
          auth_mode: SIGNATURE
          signature:
            protocol: WSSE
          token:
            expires_in_ms: 300000
          proxy:
            base_url: {{fakeBaseUrl}}/wsse
            headers:
              X-WSSE: ${credentials.token}
            verification:
              endpoints: [/api/v2/settings]

        fake-json-headers:
          display_name: Fake With Content Headers
          docs: https://docs.example.test/json-headers
          auth_mode: API_KEY
          proxy:
            base_url: {{fakeBaseUrl}}
            headers:
              authorization: Bearer ${apiKey}
              accept: application/json
              content-type: application/json
            verification:
              endpoints: [/api/me]

        fake-lookahead:
          display_name: Fake With A Lookahead Pattern
          docs: https://docs.example.test/lookahead
          auth_mode: API_KEY
          proxy:
            base_url: {{fakeBaseUrl}}
            headers:
              authorization: Bearer ${apiKey}
            verification:
              endpoints: [/api/me]
          connection_config:
            subdomain:
              type: string
              title: Subdomain
              description: A name that neither starts nor ends with a hyphen
              pattern: '^(?!-)[a-z0-9-]+(?<!-)$'

        fake-oauth2-cc:
          display_name: Fake Client Credentials
          docs: https://docs.example.test/cc
          auth_mode: OAUTH2_CC
          token_url: {{fakeBaseUrl}}/oauth/token
          token_params:
            grant_type: client_credentials

        fake-mcp:
          display_name: Fake MCP
          docs: https://docs.example.test/mcp
          categories: [mcp]
          auth_mode: MCP_OAUTH2
          mcp_server_url: {{fakeBaseUrl}}/mcp
          proxy:
            base_url: {{fakeBaseUrl}}/mcp

        fake-mcp-generic:
          display_name: Fake MCP (any server)
          docs: https://docs.example.test/mcp-generic
          categories: [mcp]
          auth_mode: MCP_OAUTH2_GENERIC
          connection_config:
            mcp_server_url:
              type: string
              title: MCP server URL
              description: The URL of the remote MCP server
              format: uri

        # token_headers on OAuth 2 token requests: rendered from the connection config and the client id and secret.
        fake-token-headers:
          alias: fake-oauth2
          display_name: Fake OAuth With Token Headers
          token_headers:
            x-fake-tenant: ${connectionConfig.tenant}
            authorization: Basic ${base64(${clientId}:${clientSecret})}
          connection_config:
            tenant:
              type: string
              title: Tenant

        fake-cc-token-headers:
          alias: fake-oauth2-cc
          display_name: Fake Client Credentials With Token Headers
          token_headers:
            x-fake-tenant: ${connectionConfig.tenant}
            authorization: Basic ${base64(${clientId}:${clientSecret})}
          connection_config:
            # Optional so that a header left unrendered reaches the token request code, which must not send it.
            tenant:
              type: string
              title: Tenant
              optional: true

        # Mutual TLS: the token endpoint is on the fake's HTTPS listener and knows the client by its certificate.
        fake-cc-mtls:
          display_name: Fake Client Credentials Over Mutual TLS
          docs: https://docs.example.test/cc-mtls
          auth_mode: OAUTH2_CC
          require_client_certificate: true
          token_url: {{fakeTlsBaseUrl}}/mtls/token
          token_params:
            grant_type: client_credentials

        fake-cc-private-key-jwt:
          display_name: Fake Client Credentials With A Signed Client Assertion
          docs: https://docs.example.test/cc-private-key-jwt
          auth_mode: OAUTH2_CC
          token_request_auth_method: private_key_jwt
          token_url: {{fakeBaseUrl}}/assertion/token
          token_params:
            grant_type: client_credentials

        # The proxy's API-key-in-the-query shape, with a fixed header of the provider's.
        fake-querykey:
          display_name: Fake API Key In The Query
          docs: https://docs.example.test/apikey-query
          auth_mode: API_KEY
          proxy:
            base_url: {{fakeBaseUrl}}
            query:
              api_key: ${apiKey}
            headers:
              x-api-version: '2024-01'

        # An API whose base URL is inside a private network: the outbound guard must refuse it.
        fake-internal:
          display_name: Fake Internal API
          docs: https://docs.example.test/internal
          auth_mode: API_KEY
          proxy:
            base_url: http://10.255.255.1
            headers:
              x-api-key: ${apiKey}

        # A base URL built from the connection's settings (as Zendesk's subdomain): the guard checks the result.
        fake-templated:
          display_name: Fake Templated Host
          docs: https://docs.example.test/templated
          auth_mode: API_KEY
          proxy:
            base_url: http://${connectionConfig.host}
            headers:
              x-api-key: ${apiKey}
          connection_config:
            host:
              type: string
              title: Host

        fake-oauth1-api:
          display_name: Fake OAuth 1 API
          docs: https://docs.example.test/oauth1-api
          auth_mode: OAUTH1
          request_url: {{fakeBaseUrl}}/oauth1/request_token
          authorization_url: {{fakeBaseUrl}}/oauth1/authorize
          token_url: {{fakeBaseUrl}}/oauth1/access_token
          signature_method: HMAC-SHA1
          proxy:
            base_url: {{fakeBaseUrl}}
        """;
}
