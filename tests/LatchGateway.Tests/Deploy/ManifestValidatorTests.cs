namespace LatchGateway.Tests.Deploy;

/// <summary>The validator behind <see cref="KustomizeTests"/> reports what kubectl apply would reject, deep fields included.</summary>
public sealed class ManifestValidatorTests
{
    private static readonly Lazy<Task<string>> Production =
        new(() => ManifestTools.RenderAsync(Path.Combine(ManifestTools.Kubernetes, "overlays", "production")));

    [Fact]
    public async Task A_misspelt_field_deep_in_a_container_is_reported_naming_the_object_and_the_field()
    {
        var rendered = await Production.Value;
        var broken = ReplaceOnce(rendered, "        image: registry.example.com/latch-gateway:1.0.0\n", "        image: registry.example.com/latch-gateway:1.0.0\n        imagePullPolicyy: Always\n");

        var (exitCode, output) = await ManifestTools.ValidateAsync(broken);

        Assert.Equal(1, exitCode);
        Assert.Contains("Deployment/latch-gateway", output, StringComparison.Ordinal);
        Assert.Contains("imagePullPolicyy", output, StringComparison.Ordinal);
        Assert.DoesNotContain("objects valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_type_and_a_missing_required_field_are_reported()
    {
        var rendered = await Production.Value;
        var broken = ReplaceOnce(rendered, "  replicas: 2\n", "  replicas: two\n");
        broken = ReplaceOnce(broken, "  - name: redis\n    port: 6379\n    targetPort: redis\n", "  - name: redis\n    targetPort: redis\n");

        var (exitCode, output) = await ManifestTools.ValidateAsync(broken);

        Assert.Equal(1, exitCode);
        Assert.Contains("Deployment/latch-gateway: data/spec/replicas must be integer", output, StringComparison.Ordinal);
        Assert.Contains("Service/latch-redis: data/spec/ports/0 must have required property port", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kind_no_schema_knows_is_reported()
    {
        var (exitCode, output) = await ManifestTools.ValidateAsync(
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\n" + await Production.Value);

        Assert.Equal(1, exitCode);
        Assert.Contains("Widget/w: no schema for apiVersion example.com/v1 kind Widget", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_data_must_be_base64_and_may_be_wrapped_as_kustomize_wraps_it()
    {
        const string Wrapped = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: |\n    YWJjZGVm\n    Z2g=\n";
        var (exitCode, output) = await ManifestTools.ValidateAsync(Wrapped);
        Assert.True(exitCode == 0, output);

        (exitCode, output) = await ManifestTools.ValidateAsync(Wrapped.Replace("Z2g=", "Z2g!", StringComparison.Ordinal));
        Assert.Equal(1, exitCode);
        Assert.Contains("Secret/s: data/data/k must match format \"byte\"", output, StringComparison.Ordinal);
    }

    private static string ReplaceOnce(string text, string old, string replacement)
    {
        var index = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(index >= 0, $"the rendered production overlay no longer contains {old.Trim()}");
        return string.Concat(text.AsSpan(0, index), replacement, text.AsSpan(index + old.Length));
    }
}
