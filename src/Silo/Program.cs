using LLMKube.Silo.Hosting;

return await SiloCommand.RunAsync(args);
