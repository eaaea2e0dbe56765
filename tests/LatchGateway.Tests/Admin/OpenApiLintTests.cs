using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Admin;

/// <summary>
/// The document a running gateway serves, linted as an operator would: Redocly's CLI (tests/tools/openapi, pinned by
/// its package-lock.json; tests/run.sh installs it) with its recommended rules finds no error.
/// </summary>
public sealed class OpenApiLintTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    /// <summary>
    /// The one warning left: the document names no license because the project has none to name. Any other warning
    /// (an operation without an operationId, an example that does not fit its schema, …) fails the test.
    /// </summary>
    private static readonly HashSet<string> AcceptedWarnings = ["info-license"];

    private static readonly string ToolsFolder = RepositoryRoot.File("tests", "tools", "openapi");

    [Fact]
    public async Task Redocly_recommended_rules_find_no_error_in_the_served_document()
    {
        var document = await OpenApiDocument.FetchAsync(fixture.Gateway);

        var lint = await LintAsync(document);

        Assert.True(lint.ExitCode == 0 && lint.Errors == 0, $"redocly lint failed:\n{lint}");
        var unexpected = lint.Problems.Where(p => !AcceptedWarnings.Contains(p.RuleId)).ToList();
        Assert.True(unexpected.Count == 0, $"redocly lint warns:\n{lint}");
    }

    [Fact]
    public async Task The_linter_does_fail_a_document_with_the_trailing_slash_server_it_used_to_have()
    {
        var document = JsonNode.Parse(await OpenApiDocument.FetchAsync(fixture.Gateway))!;
        document["servers"]![0]!["url"] = fixture.Gateway.AdminAddress.ToString();
        Assert.EndsWith("/", fixture.Gateway.AdminAddress.ToString(), StringComparison.Ordinal);

        var lint = await LintAsync(document.ToJsonString());

        Assert.True(lint.ExitCode != 0, $"redocly lint passed a server URL with a trailing slash:\n{lint}");
        Assert.Contains(lint.Problems, p => p.RuleId == "no-server-trailing-slash" && p.Severity == "error");
    }

    private static async Task<LintResult> LintAsync(string document)
    {
        Assert.True(
            File.Exists(Path.Combine(ToolsFolder, "node_modules", "@redocly", "cli", "package.json")),
            $"@redocly/cli is not installed in {ToolsFolder}: run tests/run.sh, or `npm ci` there (Node.js 20.19 or later).");
        var file = Path.Combine(Directory.CreateTempSubdirectory("latch-openapi-").FullName, "openapi.json");
        await File.WriteAllTextAsync(file, document);
        try
        {
            var (exitCode, output, errors) = await ToolProcess.RunAsync(
                "npx",
                ["--no-install", "redocly", "lint", "--config", "redocly.yaml", "--format", "json", file],
                ToolsFolder,
                new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" });
            return LintResult.Read(exitCode, output, errors);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    private sealed record LintProblem(string RuleId, string Severity, string Message, string Pointer);

    private sealed record LintResult(int ExitCode, int Errors, IReadOnlyList<LintProblem> Problems, string Output, string ErrorOutput)
    {
        public static LintResult Read(int exitCode, string output, string errors)
        {
            try
            {
                var report = JsonSerializer.Deserialize<JsonElement>(output);
                var problems = report.GetProperty("problems").EnumerateArray().Select(p => new LintProblem(
                    p.GetProperty("ruleId").GetString()!,
                    p.GetProperty("severity").GetString()!,
                    p.GetProperty("message").GetString()!,
                    p.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("pointer").GetString()).FirstOrDefault() ?? "")).ToList();
                return new LintResult(exitCode, report.GetProperty("totals").GetProperty("errors").GetInt32(), problems, output, errors);
            }
            catch (JsonException)
            {
                // Not a report (the linter itself failed): the text says why.
                return new LintResult(exitCode, -1, [], output, errors);
            }
        }

        public override string ToString()
        {
            var text = new StringBuilder($"exit code {ExitCode}, {Errors} error(s)\n");
            foreach (var problem in Problems)
            {
                text.Append(Line(problem));
            }

            return Problems.Count > 0 ? text.ToString() : $"{text}--- stdout ---\n{Output}\n--- stderr ---\n{ErrorOutput}";
        }

        private static string Line(LintProblem problem) =>
            $"  {problem.Severity} {problem.RuleId} at {problem.Pointer}: {problem.Message}\n";
    }
}
