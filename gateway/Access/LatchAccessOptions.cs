namespace LatchGateway.Access;

/// <summary>Settings under <c>Latch:Access</c>: who may ask for which route, and who decides.</summary>
public sealed record LatchAccessOptions
{
    public const string SectionName = "Latch:Access";

    /// <summary>The policies, by route id. A route without one cannot be requested.</summary>
    public Dictionary<string, AccessPolicyOptions> Policies { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a request stays readable after its last deadline (the audit trail keeps its events for good).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);
}

/// <summary>The access policy of one route (<c>Latch:Access:Policies:&lt;route id&gt;</c>).</summary>
public sealed record AccessPolicyOptions
{
    /// <summary>The delivery that hands the code to the requester when they pick it up with the API.</summary>
    public const string PickupDelivery = "pickup";

    /// <summary>Who may ask: <c>user:&lt;id&gt;</c>, <c>group:&lt;name&gt;</c> or <c>*</c> (any authenticated user, the default).</summary>
    public string[]? Requesters { get; init; }

    /// <summary>Who may approve or deny, in the same notation; never the requester of the request at hand.</summary>
    public string[]? Approvers { get; init; }

    /// <summary>Distinct approvals needed; 0 grants without review.</summary>
    public int Approvals { get; init; } = 1;

    /// <summary>Whether a request must give a reason (break-glass always must).</summary>
    public bool RequireReason { get; init; } = true;

    /// <summary>How long a request waits for its approvals before it expires.</summary>
    public TimeSpan PendingTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a granted request can be picked up; the code's own lifetime starts at pickup.</summary>
    public TimeSpan PickupWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest code lifetime a request may ask for; at most (and by default) <c>Latch:Codes:MaxTtl</c>.</summary>
    public TimeSpan? MaxTtl { get; init; }

    /// <summary>Whether a requester may grant their own request at once, with a reason, audited and announced.</summary>
    public bool BreakGlass { get; init; }

    /// <summary>Whether the code is bound to the requester (the default); false binds it to the route (and IP) only.</summary>
    public bool BindUser { get; init; } = true;

    /// <summary>
    /// How the code reaches the requester: <c>pickup</c> (the API's <c>POST …/code</c>), or the name of a notification
    /// channel with <c>CarriesCodes</c>, which carries it to them as soon as the request is granted.
    /// </summary>
    public string Delivery { get; init; } = PickupDelivery;
}
