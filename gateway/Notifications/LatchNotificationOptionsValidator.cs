using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LatchGateway.Notifications;

/// <summary>
/// Checks <c>Latch:Notifications</c> at start-up and on every reload, naming each wrong key: channels without what
/// their type needs (a URL, a <c>whsec_</c> secret, an SMTP host, sender and recipients), rules naming unknown events
/// or channels, retry settings out of range. Messages never quote a secret.
/// </summary>
internal sealed partial class LatchNotificationOptionsValidator : IValidateOptions<LatchNotificationOptions>
{
    public const string RequesterEmail = "{requester.email}";
    public const int MaxAttemptsLimit = 20;
    private const string SecretPrefix = "whsec_";
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, LatchNotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = LatchNotificationOptions.SectionName;
        var failures = new List<string>();
        if (options.MaxAttempts is < 1 or > MaxAttemptsLimit)
        {
            failures.Add($"{Section}:MaxAttempts must be between 1 and {MaxAttemptsLimit}; it is {options.MaxAttempts}.");
        }

        if (options.RetryDelay < TimeSpan.FromSeconds(1) || options.RetryDelay > LongestRetryDelay)
        {
            failures.Add($"{Section}:RetryDelay must be between 1 second and {LongestRetryDelay}; it is {options.RetryDelay}.");
        }

        foreach (var (channelName, channel) in options.Channels)
        {
            ValidateChannel($"{Section}:Channels:{channelName}", channel, failures);
        }

        for (var i = 0; i < options.Rules.Length; i++)
        {
            ValidateRule($"{Section}:Rules:{i}", options.Rules[i], options.Channels, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Whether <paramref name="secret"/> is a Standard Webhooks secret: <c>whsec_</c> and base64 of 24 to 64 bytes.</summary>
    public static bool IsWebhookSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = secret.AsSpan(SecretPrefix.Length);
        Span<byte> bytes = stackalloc byte[96];
        return encoded.Length <= 128 && Convert.TryFromBase64Chars(encoded, bytes, out var written) && written is >= 24 and <= 64;
    }

    private static void ValidateChannel(string key, NotificationChannelOptions channel, List<string> failures)
    {
        switch (channel.Type)
        {
            case null:
                failures.Add($"{key}:Type is required: Webhook, Slack, Teams or Smtp.");
                return;
            case NotificationChannelType.Webhook or NotificationChannelType.Slack or NotificationChannelType.Teams:
                if (channel.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(url.UserInfo))
                {
                    failures.Add($"{key}:Url must be an absolute http or https URL without user information.");
                }

                if (channel.Type == NotificationChannelType.Webhook && !IsWebhookSecret(channel.Secret))
                {
                    failures.Add($"{key}:Secret must be a Standard Webhooks secret: whsec_ followed by base64 of 24 to 64 random bytes.");
                }
                else if (channel.Type != NotificationChannelType.Webhook && channel.Secret is not null)
                {
                    failures.Add($"{key}:Secret is only for Webhook channels; {channel.Type} URLs carry their own secret.");
                }

                break;
            case NotificationChannelType.Smtp:
                ValidateSmtp(key, channel, failures);
                break;
            default:
                failures.Add($"{key}:Type must be Webhook, Slack, Teams or Smtp.");
                return;
        }

        if (channel.Timeout < TimeSpan.FromSeconds(1) || channel.Timeout > LongestTimeout)
        {
            failures.Add($"{key}:Timeout must be between 1 second and {LongestTimeout}; it is {channel.Timeout}.");
        }
    }

    private static void ValidateSmtp(string key, NotificationChannelOptions channel, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(channel.Host) || Uri.CheckHostName(channel.Host) == UriHostNameType.Unknown)
        {
            failures.Add($"{key}:Host must be a host name or address.");
        }

        if (channel.Port is < 1 or > 65535)
        {
            failures.Add($"{key}:Port must be between 1 and 65535; it is {channel.Port}.");
        }

        if (!IsAddress(channel.From))
        {
            failures.Add($"{key}:From must be one e-mail address.");
        }

        if (channel.To is not { Length: > 0 })
        {
            failures.Add($"{key}:To must name at least one recipient (an address, or {RequesterEmail}).");
        }
        else
        {
            foreach (var recipient in channel.To)
            {
                if (recipient != RequesterEmail && !IsAddress(recipient))
                {
                    failures.Add($"{key}:To has '{recipient}', which is neither an e-mail address nor {RequesterEmail}.");
                }
            }
        }

        if (string.IsNullOrEmpty(channel.UserName) != string.IsNullOrEmpty(channel.Password))
        {
            failures.Add($"{key}:UserName and {key}:Password go together: give both or neither.");
        }

        if (!Enum.IsDefined(channel.Security))
        {
            failures.Add($"{key}:Security must be StartTls, SslOnConnect or None.");
        }
    }

    private static void ValidateRule(string key, NotificationRuleOptions rule, Dictionary<string, NotificationChannelOptions> channels, List<string> failures)
    {
        if (rule.Events is not { Length: > 0 })
        {
            failures.Add($"{key}:Events must name at least one event: {string.Join(", ", NotificationEvents.All)}.");
        }
        else
        {
            foreach (var type in rule.Events)
            {
                if (!NotificationEvents.All.Contains(type, StringComparer.Ordinal))
                {
                    failures.Add($"{key}:Events has '{type}', which is not one of {string.Join(", ", NotificationEvents.All)}.");
                }
            }
        }

        if (rule.Channels is not { Length: > 0 })
        {
            failures.Add($"{key}:Channels must name at least one channel.");
        }
        else
        {
            foreach (var channel in rule.Channels)
            {
                if (!channels.ContainsKey(channel))
                {
                    failures.Add($"{key}:Channels has '{channel}', which is not a channel under {LatchNotificationOptions.SectionName}:Channels.");
                }
            }
        }

        if (!Enum.IsDefined(rule.Mode))
        {
            failures.Add($"{key}:Mode must be All or Fallback.");
        }
    }

    private static bool IsAddress(string? text) =>
        !string.IsNullOrWhiteSpace(text) && SimpleAddress().IsMatch(text) && MailboxAddress.TryParse(text, out var address) && address.Address == text;

    [GeneratedRegex(@"^[^\s@<>()\[\],;:""]+@[^\s@<>()\[\],;:""]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleAddress();
}
