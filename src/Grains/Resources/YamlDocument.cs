using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LLMKube.Grains.Resources;

/// <summary>One parsed YAML document: its events, from <c>DocumentStart</c> to <c>DocumentEnd</c>, and where its text starts in the source.</summary>
/// <param name="Source">The file (or source name) the document was read from.</param>
/// <param name="LineOffset">Lines of the source before the text the events' marks count from.</param>
/// <param name="Events">The parser events; index 1 is the root node.</param>
internal sealed record YamlDocument(string Source, int LineOffset, IReadOnlyList<ParsingEvent> Events)
{
    /// <summary><c>source:line:column</c> of <paramref name="mark"/>, 1-based.</summary>
    public string Location(Mark mark) => Locate(Source, mark.Line + LineOffset, mark.Column);

    /// <summary><c>source:line:column</c>, or the source alone when the line is unknown.</summary>
    public static string Locate(string source, long line, long column) => line >= 1 ? $"{source}:{line}:{column}" : source;
}
