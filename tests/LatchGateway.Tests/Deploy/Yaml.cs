using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace LatchGateway.Tests.Deploy;

/// <summary>Reads YAML files as plain dictionaries and lists, merge keys (<c>&lt;&lt;: *anchor</c>) resolved.</summary>
internal static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static List<Dictionary<object, object>> Documents(string path)
    {
        using var reader = new StreamReader(path);
        var parser = new MergingParser(new Parser(reader));
        var documents = new List<Dictionary<object, object>>();
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        while (!parser.Accept<YamlDotNet.Core.Events.StreamEnd>(out _))
        {
            if (Deserializer.Deserialize<Dictionary<object, object>?>(parser) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    public static Dictionary<object, object> Single(string path) => Assert.Single(Documents(path));

    public static Dictionary<object, object> Map(this object? node, string key) =>
        Assert.IsType<Dictionary<object, object>>(((Dictionary<object, object>)node!)[key]);

    public static List<object> List(this object? node, string key) =>
        Assert.IsType<List<object>>(((Dictionary<object, object>)node!)[key]);

    public static string Text(this object? node, string key) =>
        Assert.IsType<string>(((Dictionary<object, object>)node!)[key]);

    public static bool Has(this object? node, string key) => ((Dictionary<object, object>)node!).ContainsKey(key);
}
