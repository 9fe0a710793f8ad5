namespace LLMKube.Grains.Resources;

/// <summary>Something wrong with the resources read: a YAML error, a missing field, a duplicate, an invalid spec.</summary>
/// <param name="Source">Where: a file name, with <c>:line:column</c> when known.</param>
/// <param name="Object">Which object, e.g. <c>ModelRouter default/my-router</c>; null when unknown.</param>
/// <param name="Path">The field path inside the object; empty for the object or document as a whole.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ResourceProblem(string Source, string? Object, string Path, string Message)
{
    /// <summary><c>source: object: path: message</c>, leaving out empty parts.</summary>
    public override string ToString() =>
        string.Join(": ", new[] { Source, Object, Path, Message }.Where(part => !string.IsNullOrEmpty(part)));
}
