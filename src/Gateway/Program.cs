using LLMKube.Gateway.Hosting;

return await GatewayCommand.Create().Parse(args).InvokeAsync();
