using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Latchctl.Api;

/// <summary>
/// The gateway's admin and access APIs over one <see cref="HttpClient"/>. Every call answers with the typed value and
/// the JSON as returned, or throws <see cref="ApiRefusedException"/> (the gateway said no) or
/// <see cref="GatewayUnreachableException"/> (it said nothing).
/// </summary>
internal sealed class LatchApiClient : IDisposable
{
    private static readonly string UserAgent = "latchctl/" + Cli.VersionAction.Version;

    private readonly HttpClient _http;
    private readonly Credentials _credentials;

    public LatchApiClient(Uri baseAddress, Credentials credentials, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        BaseAddress = baseAddress;
        _credentials = credentials;
        var handler = new SocketsHttpHandler { ConnectTimeout = timeout, AllowAutoRedirect = false };
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    public Uri BaseAddress { get; }

    public Credentials Credentials => _credentials;

    public Task<ApiResult<List<RouteInfo>>> ListRoutesAsync(CancellationToken cancellationToken) =>
        ReadAsync(HttpMethod.Get, "admin/routes", Caller.Admin, null, LatchJson.Default.ListRouteInfo, cancellationToken);

    public Task<ApiResult<IssuedCode>> IssueCodeAsync(IssueCodeBody body, CancellationToken cancellationToken) =>
        ReadAsync(HttpMethod.Post, "admin/codes", Caller.Admin, JsonContent.Create(body, LatchJson.Default.IssueCodeBody), LatchJson.Default.IssuedCode, cancellationToken);

    /// <summary>The first page of live codes, newest first (at most <paramref name="limit"/>, or the gateway's default); <see cref="ApiResult{T}.Next"/> leads on.</summary>
    public Task<ApiResult<List<CodeInfo>>> ListCodesAsync(string? route, string? user, int? limit, CancellationToken cancellationToken) =>
        ReadAsync(
            HttpMethod.Get,
            QueryString.Path("admin/codes", ("route", route), ("user", user), ("limit", QueryString.Number(limit))),
            Caller.Admin,
            null,
            LatchJson.Default.ListCodeInfo,
            cancellationToken);

    /// <summary>The page of live codes at <paramref name="next"/>, an earlier page's <see cref="ApiResult{T}.Next"/>.</summary>
    public Task<ApiResult<List<CodeInfo>>> ListCodesAsync(Uri next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        return ReadAsync(HttpMethod.Get, next.ToString(), Caller.Admin, null, LatchJson.Default.ListCodeInfo, cancellationToken);
    }

    public Task<ApiResult<CodeInfo>> GetCodeAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(HttpMethod.Get, $"admin/codes/{QueryString.Segment(id)}", Caller.Admin, null, LatchJson.Default.CodeInfo, cancellationToken);

    public Task RevokeCodeAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"admin/codes/{QueryString.Segment(id)}", Caller.Admin, cancellationToken);

    public Task<ApiResult<List<SessionInfo>>> ListSessionsAsync(string? route, string? user, CancellationToken cancellationToken) =>
        ReadAsync(HttpMethod.Get, QueryString.Path("admin/sessions", ("route", route), ("user", user)), Caller.Admin, null, LatchJson.Default.ListSessionInfo, cancellationToken);

    public Task EndSessionAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"admin/sessions/{QueryString.Segment(id)}", Caller.Admin, cancellationToken);

    public Task<ApiResult<List<AuditEvent>>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = QueryString.Path(
            "admin/audit",
            ("limit", QueryString.Number(query.Limit)),
            ("route", query.Route),
            ("user", query.User),
            ("type", query.Type),
            ("since", QueryString.Time(query.Since)));
        return ReadAsync(HttpMethod.Get, path, Caller.Admin, null, LatchJson.Default.ListAuditEvent, cancellationToken);
    }

    /// <summary>
    /// Streams the export's body as the gateway sends it (JSON lines or CSV) into the writer <paramref name="open"/>
    /// gives once the gateway has accepted the call (so a refused export leaves no file behind). Errors of the
    /// writer are the caller's: only the gateway's side becomes <see cref="GatewayUnreachableException"/>.
    /// </summary>
    public async Task ExportAuditAsync(AuditExport export, Func<TextWriter> open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(open);
        var path = QueryString.Path(
            "admin/audit/export",
            ("since", QueryString.Time(export.Since)),
            ("until", QueryString.Time(export.Until)),
            ("format", export.Format));
        using var response = await SendRawAsync(HttpMethod.Get, path, Caller.Admin, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await TransportAsync(() => response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken);
        using var reader = new StreamReader(body, Encoding.UTF8);
        var destination = open();
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await TransportAsync(() => reader.ReadAsync(buffer.AsMemory(), cancellationToken).AsTask(), cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        await destination.FlushAsync(cancellationToken);
    }

    public Task<ApiResult<AccessRequest>> CreateRequestAsync(NewAccessRequestBody body, CancellationToken cancellationToken) =>
        ReadAsync(HttpMethod.Post, "access/requests", Caller.Person, JsonContent.Create(body, LatchJson.Default.NewAccessRequestBody), LatchJson.Default.AccessRequest, cancellationToken);

    public Task<ApiResult<List<AccessRequest>>> ListRequestsAsync(AccessRequestQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = QueryString.Path(
            "access/requests",
            ("state", query.State),
            ("route", query.Route),
            ("mine", QueryString.Flag(query.Mine)),
            ("reviewable", QueryString.Flag(query.Reviewable)),
            ("limit", QueryString.Number(query.Limit)));
        return ReadAsync(HttpMethod.Get, path, Caller.Person, null, LatchJson.Default.ListAccessRequest, cancellationToken);
    }

    public Task<ApiResult<AccessRequest>> GetRequestAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(HttpMethod.Get, $"access/requests/{QueryString.Segment(id)}", Caller.Person, null, LatchJson.Default.AccessRequest, cancellationToken);

    public Task<ApiResult<AccessRequest>> ApproveRequestAsync(string id, string? reason, CancellationToken cancellationToken) =>
        ReadAsync(
            HttpMethod.Post,
            $"access/requests/{QueryString.Segment(id)}/approve",
            Caller.Person,
            reason is null ? null : JsonContent.Create(new ReviewBody(reason), LatchJson.Default.ReviewBody),
            LatchJson.Default.AccessRequest,
            cancellationToken);

    public Task<ApiResult<AccessRequest>> DenyRequestAsync(string id, string reason, CancellationToken cancellationToken) =>
        ReadAsync(
            HttpMethod.Post,
            $"access/requests/{QueryString.Segment(id)}/deny",
            Caller.Person,
            JsonContent.Create(new ReviewBody(reason), LatchJson.Default.ReviewBody),
            LatchJson.Default.AccessRequest,
            cancellationToken);

    public Task<ApiResult<AccessRequest>> CancelRequestAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(HttpMethod.Post, $"access/requests/{QueryString.Segment(id)}/cancel", Caller.Person, null, LatchJson.Default.AccessRequest, cancellationToken);

    public Task<ApiResult<IssuedCode>> PickUpAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(HttpMethod.Post, $"access/requests/{QueryString.Segment(id)}/code", Caller.Person, null, LatchJson.Default.IssuedCode, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<ApiResult<T>> ReadAsync<T>(
        HttpMethod method, string path, Caller caller, HttpContent? content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, caller, content, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var json = await TransportAsync(() => response.Content.ReadFromJsonAsync(LatchJson.Default.JsonElement, cancellationToken), cancellationToken);
        try
        {
            var value = json.Deserialize(type) ?? throw new JsonException("The answer is null.");
            return new ApiResult<T>(value, json) { Next = NextPage(response) };
        }
        catch (JsonException exception)
        {
            throw new ApiRefusedException(
                response.StatusCode,
                response.ReasonPhrase,
                new ApiProblem { Title = "Unexpected answer", Detail = $"The answer to {method} /{path} is not what the API returns: {exception.Message}" });
        }
    }

    /// <summary>
    /// The <c>rel="next"</c> link of a paged answer, resolved against the request. The key goes only to the gateway it
    /// was meant for: a link to another scheme, host or port is refused.
    /// </summary>
    private Uri? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values) || LinkHeader.Find(values, "next") is not { } target)
        {
            return null;
        }

        var request = response.RequestMessage?.RequestUri ?? BaseAddress;
        if (!Uri.TryCreate(request, target, out var next)
            || Uri.Compare(next, BaseAddress, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new ApiRefusedException(
                response.StatusCode,
                response.ReasonPhrase,
                new ApiProblem { Title = "Unexpected answer", Detail = $"The next page is not on {BaseAddress.GetLeftPart(UriPartial.Authority)}: {target}" });
        }

        return next;
    }

    private async Task SendAsync(HttpMethod method, string path, Caller caller, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, caller, null, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string path, Caller caller, HttpContent? content, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        Authenticate(request, caller);

        var response = await TransportAsync(() => _http.SendAsync(request, completion, cancellationToken), cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var problem = await TransportAsync(() => ReadProblemAsync(response, cancellationToken), cancellationToken);
            throw new ApiRefusedException(response.StatusCode, response.ReasonPhrase, problem);
        }
    }

    private void Authenticate(HttpRequestMessage request, Caller caller)
    {
        if (caller == Caller.Person && _credentials.Token is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (_credentials.ApiKey is { } key)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                if (JsonSerializer.Deserialize(text, LatchJson.Default.ApiProblem) is { IsEmpty: false } problem)
                {
                    return problem;
                }
            }
            catch (JsonException)
            {
                // Not a problem document: fall through to the status alone.
            }
        }

        // Something else answered (a proxy, a load balancer): a short plain-text body says why; anything else is left out.
        var detail = mediaType is "text/plain" && text.Length is > 0 and <= 500 ? text.Trim() : null;
        return new ApiProblem { Title = response.ReasonPhrase, Status = (int)response.StatusCode, Detail = detail };
    }

    /// <summary>Runs one exchange with the gateway, turning every way of not getting an answer into <see cref="GatewayUnreachableException"/>.</summary>
    private async Task<T> TransportAsync<T>(Func<Task<T>> exchange, CancellationToken cancellationToken)
    {
        try
        {
            return await exchange();
        }
        catch (HttpRequestException exception)
        {
            throw new GatewayUnreachableException(BaseAddress, Describe(exception), exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GatewayUnreachableException(BaseAddress, $"no answer within {_http.Timeout.TotalSeconds:0.###} s", exception);
        }
        catch (IOException exception)
        {
            throw new GatewayUnreachableException(BaseAddress, exception.Message, exception);
        }
    }

    private static string Describe(HttpRequestException exception) => exception.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "the host name could not be resolved",
        HttpRequestError.ConnectionError when exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed",
        _ => exception.Message,
    };
}
