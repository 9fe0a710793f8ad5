using LLMKube.Gateway.Hosting;

return await GatewayCommand.RunAsync(args);
