using LatchGateway.Codes;
using LatchGateway.Notifications;
using LatchGateway.Transforms;
using Microsoft.Extensions.Options;

namespace LatchGateway.Access;

/// <summary>
/// Checks <c>Latch:Access</c> at start-up and on every reload, naming each wrong key: a policy for a route that does
/// not exist or is not latched, a malformed <c>user:</c>/<c>group:</c> entry, approvals that no approver list can
/// give, deadlines out of range, and a <c>MaxTtl</c> above <c>Latch:Codes:MaxTtl</c>.
/// </summary>
internal sealed class LatchAccessOptionsValidator(IConfiguration configuration) : IValidateOptions<LatchAccessOptions>
{
    public const int MaxApprovals = 100;
    private static readonly TimeSpan LongestPending = TimeSpan.FromDays(30);
    private static readonly TimeSpan LongestPickup = TimeSpan.FromDays(1);
    private static readonly TimeSpan LongestRetention = TimeSpan.FromDays(366);

    public ValidateOptionsResult Validate(string? name, LatchAccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = LatchAccessOptions.SectionName;
        var failures = new List<string>();
        if (options.Retention <= TimeSpan.Zero || options.Retention > LongestRetention)
        {
            failures.Add($"{Section}:Retention must be positive and at most {LongestRetention.TotalDays} days; it is {options.Retention}.");
        }

        // The codes' own limit, as configured (its validator reports it if it is wrong).
        var codes = configuration.GetSection(LatchCodeOptions.SectionName).Get<LatchCodeOptions>() ?? new LatchCodeOptions();
        foreach (var (routeId, policy) in options.Policies)
        {
            ValidatePolicy($"{Section}:Policies:{routeId}", routeId, policy, codes.MaxTtl, failures);
        }

        ValidateBinding(failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidatePolicy(string key, string routeId, AccessPolicyOptions policy, TimeSpan codesMaxTtl, List<string> failures)
    {
        var route = configuration.GetSection($"ReverseProxy:Routes:{routeId}");
        if (!route.Exists())
        {
            failures.Add($"{key}: no route has the id '{routeId}' (ReverseProxy:Routes).");
        }
        else if (!LatchTransformFactory.IsLatched(TransformsOf(route)))
        {
            failures.Add($"{key}: the route '{routeId}' is not latched; only latched routes can be requested.");
        }

        if (!AccessAudience.TryParse(policy.Requesters, out _, out var malformed))
        {
            failures.Add($"{key}:Requesters has '{malformed}', which is neither user:<id>, group:<name> nor *.");
        }

        if (!AccessAudience.TryParse(policy.Approvers, out var approvers, out malformed))
        {
            failures.Add($"{key}:Approvers has '{malformed}', which is neither user:<id>, group:<name> nor *.");
        }
        else if (policy.Approvals > 0 && policy.Approvers is not { Length: > 0 })
        {
            failures.Add($"{key}:Approvers is required when {key}:Approvals is above 0 (it is {policy.Approvals}).");
        }
        else if (policy.Approvals > 0 && !approvers.IsOpenEnded && approvers.Users.Count < policy.Approvals)
        {
            failures.Add($"{key}:Approvals is {policy.Approvals}, but {key}:Approvers names only {approvers.Users.Count} user(s) and no group: no request could ever be granted.");
        }

        if (policy.Approvals is < 0 or > MaxApprovals)
        {
            failures.Add($"{key}:Approvals must be between 0 and {MaxApprovals}; it is {policy.Approvals}.");
        }

        if (policy.PendingTtl <= TimeSpan.Zero || policy.PendingTtl > LongestPending)
        {
            failures.Add($"{key}:PendingTtl must be positive and at most {LongestPending.TotalDays} days; it is {policy.PendingTtl}.");
        }

        if (policy.PickupWindow <= TimeSpan.Zero || policy.PickupWindow > LongestPickup)
        {
            failures.Add($"{key}:PickupWindow must be positive and at most {LongestPickup}; it is {policy.PickupWindow}.");
        }

        if (policy.MaxTtl is { } maxTtl && (maxTtl < TimeSpan.FromSeconds(1) || maxTtl > codesMaxTtl))
        {
            failures.Add($"{key}:MaxTtl must be at least 1 second and at most {LatchCodeOptions.SectionName}:MaxTtl ({codesMaxTtl}); it is {maxTtl}.");
        }

        if (!string.Equals(policy.Delivery, AccessPolicyOptions.PickupDelivery, StringComparison.Ordinal))
        {
            // A code leaves the gateway only through a channel marked to carry codes.
            var channel = configuration.GetSection($"{LatchNotificationOptions.SectionName}:Channels:{policy.Delivery}");
            if (string.IsNullOrEmpty(policy.Delivery) || !channel.Exists())
            {
                failures.Add($"{key}:Delivery must be '{AccessPolicyOptions.PickupDelivery}' or the name of a channel under {LatchNotificationOptions.SectionName}:Channels; it is '{policy.Delivery}'.");
            }
            else if (!bool.TryParse(channel["CarriesCodes"], out var carries) || !carries)
            {
                failures.Add($"{key}:Delivery names the channel '{policy.Delivery}', which does not carry codes: set {LatchNotificationOptions.SectionName}:Channels:{policy.Delivery}:CarriesCodes to true, or deliver by pickup.");
            }
        }
    }

    /// <summary>
    /// Binds each policy section again, strictly. The binder skips a dictionary entry it cannot bind (a value that
    /// does not convert, such as <c>Approvals: "two"</c>) without a word, and ignores keys it does not know: either
    /// would leave a route without its policy, or a misspelt <c>Requesters</c> open to anyone.
    /// </summary>
    private void ValidateBinding(List<string> failures)
    {
        foreach (var section in configuration.GetSection($"{LatchAccessOptions.SectionName}:Policies").GetChildren())
        {
            try
            {
                section.Get<AccessPolicyOptions>(binder => binder.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException exception)
            {
                failures.Add($"{section.Path}: {exception.Message}");
            }
        }
    }

    /// <summary>The route's transforms as YARP reads them: a list of name/value dictionaries.</summary>
    private static List<IReadOnlyDictionary<string, string>> TransformsOf(IConfigurationSection route)
    {
        var transforms = new List<IReadOnlyDictionary<string, string>>();
        foreach (var transform in route.GetSection("Transforms").GetChildren())
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in transform.GetChildren())
            {
                values[entry.Key] = entry.Value ?? "";
            }

            transforms.Add(values);
        }

        return transforms;
    }
}
