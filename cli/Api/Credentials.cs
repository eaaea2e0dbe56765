namespace Latchctl.Api;

/// <summary>
/// What latchctl presents: the API key (<c>X-Api-Key</c>) on the admin API, and on the access API a person's JWT
/// (<c>Authorization: Bearer</c>) — or, when no token is set, the API key (an auditor with <c>access:read</c>). The
/// gateway picks one scheme per call (a request carrying <c>X-Api-Key</c> is an API key's), so only one is sent.
/// </summary>
internal sealed record Credentials(string? ApiKey, string? Token)
{
    public override string ToString() => $"Credentials {{ ApiKey = {(ApiKey is null ? "unset" : "set")}, Token = {(Token is null ? "unset" : "set")} }}";
}

/// <summary>Which API a call goes to, and so which credential it carries.</summary>
internal enum Caller
{
    /// <summary><c>/admin/*</c>: the API key.</summary>
    Admin,

    /// <summary><c>/access/*</c>: the person's token, else the API key.</summary>
    Person,
}
