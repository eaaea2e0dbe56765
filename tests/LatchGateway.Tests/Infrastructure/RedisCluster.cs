using System.Diagnostics;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>A local three-master Redis Cluster: three <c>redis-server --cluster-enabled yes</c> joined by <c>redis-cli --cluster create</c>.</summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly List<RedisServer> _nodes;

    private RedisCluster(List<RedisServer> nodes) => _nodes = nodes;

    /// <summary>A StackExchange.Redis configuration string naming every node.</summary>
    public string ConnectionString => string.Join(',', _nodes.Select(n => n.Endpoint));

    /// <summary>The nodes' client ports.</summary>
    public IReadOnlyList<int> Ports => [.. _nodes.Select(n => n.Port)];

    public static async Task<RedisCluster> StartAsync()
    {
        var nodes = new List<RedisServer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                // The cluster bus listens on port + 10000: keep both free.
                var port = PortWithFreeBus();
                nodes.Add(await RedisServer.StartAsync(
                    port, "--cluster-enabled", "yes", "--cluster-config-file", $"nodes-{port}.conf", "--cluster-node-timeout", "2000"));
            }

            var create = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
            create.ArgumentList.Add("--cluster");
            create.ArgumentList.Add("create");
            foreach (var node in nodes)
            {
                create.ArgumentList.Add(node.Endpoint);
            }

            create.ArgumentList.Add("--cluster-replicas");
            create.ArgumentList.Add("0");
            create.ArgumentList.Add("--cluster-yes");
            using (var process = Process.Start(create)!)
            {
                var output = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"redis-cli --cluster create failed: {output}");
                }
            }

            await RedisServer.WaitUntilAsync(() => nodes.All(n => ClusterInfo(n.Port).Contains("cluster_state:ok", StringComparison.Ordinal)),
                "the Redis Cluster did not reach cluster_state:ok", 20_000);
            return new RedisCluster(nodes);
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private static int PortWithFreeBus()
    {
        while (true)
        {
            var port = FreePort.Next();
            if (port + 10000 <= 65535 && FreePort.IsFree(port + 10000))
            {
                return port;
            }
        }
    }

    private static string ClusterInfo(int port) => RedisCli.Run(port, "cluster", "info");
}
