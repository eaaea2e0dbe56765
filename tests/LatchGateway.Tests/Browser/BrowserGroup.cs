namespace LatchGateway.Tests.Browser;

/// <summary>
/// Every test that drives <see cref="Infrastructure.HeadlessChromium"/>: one collection, so its tests run one after
/// another and at most one Chromium (a handful of processes) competes with the rest of the suite for the machine.
/// </summary>
[CollectionDefinition(nameof(BrowserGroup))]
public sealed class BrowserGroup;
