namespace LatchGateway.Store;

/// <summary>One page of live codes, newest first, and the cursor of the next page when there are more.</summary>
internal sealed record CodePage(IReadOnlyList<LatchCodeRecord> Codes, string? NextCursor);
