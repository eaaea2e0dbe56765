using LatchGateway.Hosting;

// `--health-probe` asks a running gateway whether it is alive (a container health check) and starts nothing.
return HealthProbe.IsRequested(args)
    ? await HealthProbe.RunAsync(args, Console.Out)
    : await GatewayProcess.RunAsync(args, Console.Error);
