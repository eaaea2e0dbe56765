using LatchGateway.Identity;
using LatchGateway.Tests.Hosting;
using LatchGateway.Transforms;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace LatchGateway.Tests.Transforms;

public sealed class LatchScrubbingTransformProviderTests
{
    [Fact]
    public void Puts_the_scrubber_first_on_every_route()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var context = new TransformBuilderContext { Services = services, Route = new RouteConfig { RouteId = "plain" } };
        var earlier = new RequestHeaderValueTransform("X-Other", "1", append: false);
        context.RequestTransforms.Add(earlier);
        using var identity = new TestSettings<LatchIdentityOptions>(new LatchIdentityOptions());
        var scrubber = new LatchRequestScrubber(identity);

        new LatchScrubbingTransformProvider(scrubber).Apply(context);

        Assert.Equal([scrubber, earlier], context.RequestTransforms);
    }
}
