using System.Diagnostics.CodeAnalysis;
using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Routing;

/// <summary>The outcome of <see cref="RouterCompiler.Compile"/>: a config, or every error that prevented one.</summary>
public sealed record CompileResult(RouterConfig? Config, IReadOnlyList<FieldError> Errors)
{
    /// <summary>True when a config was produced (and <see cref="Errors"/> is empty).</summary>
    [MemberNotNullWhen(true, nameof(Config))]
    public bool Succeeded => Config is not null;
}
