using LLMKube.Grains.Routers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LLMKube.Grains.Resources;

/// <summary>The outcome of one (re)load of the resource files.</summary>
public sealed record ReloadResult(bool Applied, IReadOnlyList<string> Problems, IReadOnlyList<string> Routers);
