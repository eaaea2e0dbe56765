using System.Net;
using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// Redis reached over TLS with a server certificate from a private CA, as an ACL user (the default user off): the
/// gateway works when the CA is trusted, refuses (not ready, 503) when it is not or the password is wrong, and never
/// prints the password.
/// </summary>
public sealed class RedisTlsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string User = "latch";
    private const string Password = "Redis-Pa55word-7f3a9c";

    private readonly RedisTlsCertificates _certificates = RedisTlsCertificates.Create("trusted");
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Through_TLS_with_the_private_CA_trusted_and_an_ACL_user_codes_work()
    {
        var tlsPort = FreePort.Next();
        await using var redis = await StartRedisAsync(tlsPort);
        await using var gateway = await StartGatewayAsync(ConnectionString(tlsPort, Password), _certificates.CaPath);

        await AssertReadyAsync(gateway);
        var code = await gateway.IssueAsync();
        using var proxy = gateway.CreateProxyClient();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, code.Code)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(proxy, code.Code)).StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_server_certificate_the_gateway_does_not_trust_is_refused(bool trustAnotherCa)
    {
        var tlsPort = FreePort.Next();
        await using var redis = await StartRedisAsync(tlsPort);
        var trusted = trustAnotherCa ? RedisTlsCertificates.Create("other").CaPath : null;
        await using var gateway = await StartGatewayAsync(ConnectionString(tlsPort, Password), trusted);

        await AssertNotReadyAsync(gateway);
        Assert.Contains("Redis is unreachable", gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_not_ready_logged_and_never_printed()
    {
        const string wrong = "Wrong-Pa55word-b81e22";
        var tlsPort = FreePort.Next();
        await using var redis = await StartRedisAsync(tlsPort);
        await using var gateway = await StartGatewayAsync(ConnectionString(tlsPort, wrong), _certificates.CaPath);

        var answers = await AssertNotReadyAsync(gateway);

        // The reason names the refused password (NOAUTH) when the first attempt got that far; on a busy machine it
        // can time out before it authenticates, and the refusal is logged when a later attempt reaches it (KindOf).
        var logs = gateway.Logs.All;
        var failure = gateway.Logs.Lines.First(l => l.Contains("Redis is unreachable", StringComparison.Ordinal));
        Assert.Contains("Warning", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, answers, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("No connection is active/available to service this operation: PING; SimpleError: NOAUTH Authentication required.", "SimpleError")]
    [InlineData("No connection is active/available to service this operation: PING; UnableToConnect (0-read) on 127.0.0.1:6379/Interactive", "UnableToConnect")]
    [InlineData("No connection is active/available to service this operation: PING; It was not possible to connect to the redis server(s) 127.0.0.1:6379/Interactive. ConnectTimeout, mc: 1/1/0", "It was not possible to connect to the redis server")]
    [InlineData("AuthenticationFailure on 10.0.0.5:6379/Interactive: WRONGPASS", "AuthenticationFailure on 10.0.0.5")]
    public void The_kind_of_a_reason_tells_a_refused_password_from_a_timeout(string reason, string kind) =>
        Assert.Equal(kind, LatchGateway.Store.Redis.RedisConnection.KindOf(reason));

    [Fact]
    public async Task Mutual_TLS_presents_the_client_certificate()
    {
        var tlsPort = FreePort.Next();
        await using var redis = await StartRedisAsync(tlsPort, "--tls-auth-clients", "yes");

        await using (var withCertificate = await StartGatewayAsync(
            ConnectionString(tlsPort, Password),
            _certificates.CaPath,
            new() { ["Latch:Store:Redis:ClientCertificatePath"] = _certificates.ClientCertificatePath, ["Latch:Store:Redis:ClientKeyPath"] = _certificates.ClientKeyPath }))
        {
            await AssertReadyAsync(withCertificate);
            await withCertificate.IssueAsync();
        }

        await using var without = await StartGatewayAsync(ConnectionString(tlsPort, Password), _certificates.CaPath);
        await AssertNotReadyAsync(without);
    }

    [Fact]
    public async Task Bad_Redis_settings_fail_start_up_naming_the_keys_without_the_password()
    {
        var settings = RedisSettings.For($"127.0.0.1:1,user={User},password={Password},nosuchoption=1");
        settings["Latch:Store:Redis:TrustedCaPath"] = Path.Combine(_certificates.Directory, "missing-ca.pem");
        settings["Latch:Store:Redis:ClientCertificatePath"] = _certificates.ClientCertificatePath;

        var messages = await StartupFailure.MessagesAsync(settings, output);

        Assert.Contains("ConnectionStrings:Redis", messages, StringComparison.Ordinal);
        Assert.Contains("nosuchoption", messages, StringComparison.Ordinal);
        Assert.Contains("Latch:Store:Redis:TrustedCaPath", messages, StringComparison.Ordinal);
        Assert.Contains("Latch:Store:Redis:ClientKeyPath", messages, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, messages, StringComparison.Ordinal);
    }

    /// <summary>redis-server with TLS on <paramref name="tlsPort"/>, the default user off and one ACL user.</summary>
    private Task<RedisServer> StartRedisAsync(int tlsPort, params string[] more) =>
        RedisServer.StartAsync(
            null,
            [
                "--tls-port", tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tls-cert-file", _certificates.ServerCertificatePath,
                "--tls-key-file", _certificates.ServerKeyPath,
                "--tls-ca-cert-file", _certificates.CaPath,
                "--tls-auth-clients", "no",
                "--user", "default", "off",
                "--user", User, "on", $">{Password}", "~*", "&*", "+@all",
                .. more,
            ]);

    private static string ConnectionString(int tlsPort, string password) =>
        $"127.0.0.1:{tlsPort},ssl=true,sslHost={RedisTlsCertificates.ServerName},user={User},password={password}";

    private Task<GatewayInstance> StartGatewayAsync(string connectionString, string? trustedCaPath, Dictionary<string, string?>? more = null)
    {
        var settings = RedisSettings.For(connectionString, keyPrefix: $"tls{Guid.NewGuid():N}");
        settings["Latch:Store:Redis:TrustedCaPath"] = trustedCaPath;
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return GatewayInstance.StartAsync(_backend, settings);
    }

    private static async Task AssertReadyAsync(GatewayInstance gateway)
    {
        using var admin = gateway.CreateAdminClient(null);
        Assert.True(
            await LatchHttp.EventuallyAsync(async () => (await admin.GetAsync("readyz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10)),
            "the gateway never became ready:\n" + gateway.Logs.All);
    }

    /// <summary>Not ready, and a latched request is refused with 503; returns what both answered.</summary>
    private static async Task<string> AssertNotReadyAsync(GatewayInstance gateway)
    {
        using var admin = gateway.CreateAdminClient(null);
        using var ready = await admin.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var proxy = gateway.CreateProxyClient();
        using var latched = await SendAsync(proxy, "ABCDE-FGHJK");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, latched.StatusCode);
        return await ready.Content.ReadAsStringAsync() + await latched.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient proxy, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "orders/admin/report");
        request.Headers.Add("X-Latch-Code", code);
        return await proxy.SendAsync(request);
    }
}
