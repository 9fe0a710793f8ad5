using LLMKube.Silo.Hosting;

return await SiloCommand.Create().Parse(args).InvokeAsync();
