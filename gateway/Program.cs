using LatchGateway.Hosting;

var builder = GatewayHost.CreateBuilder(new WebApplicationOptions { Args = args });
var app = GatewayHost.Build(builder);
app.Run();
