namespace LLMKube.Grains.Validation;

/// <summary>One violation found in a resource, located by its dotted field path (e.g. <c>spec.backends[2].name</c>).</summary>
/// <param name="Path">The field path, Kubernetes style; empty for the object as a whole.</param>
/// <param name="Message">What is wrong, in words a user can act on.</param>
public sealed record FieldError(string Path, string Message)
{
    /// <summary><c>path: message</c>, or the message alone when there is no path.</summary>
    public override string ToString() => string.IsNullOrEmpty(Path) ? Message : $"{Path}: {Message}";
}
