using System.Buffers;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LLMKube.Grains.Resources;

/// <summary>
/// Turns YAML text into parsed documents without ever throwing. The text is cut at every line that
/// starts a document (<c>---</c> in column 1), which YAML allows nowhere inside a node, and each piece
/// is parsed on its own: a syntax error costs only its own document and cannot make the reader
/// go back over documents already read.
/// </summary>
internal static partial class YamlDocumentReader
{
    // What YAML's c-printable excludes: C0 controls other than tab, LF and CR, DEL, C1 controls other
    // than NEL, and the non-characters U+FFFE and U+FFFF. Binary files are caught here.
    private static readonly SearchValues<char> _invalidCharacters = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"
        + "\u007F\u0080\u0081\u0082\u0083\u0084\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F"
        + "\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F"
        + "\uFFFE\uFFFF");

    /// <summary>The problem that keeps the whole text from being read (too large, not text), or null.</summary>
    public static ResourceProblem? CheckText(string text, string source)
    {
        if (text.Length > ResourceLoader.MaxFileBytes)
        {
            return TooLarge(source);
        }

        var invalid = text.AsSpan().IndexOfAny(_invalidCharacters);
        if (invalid < 0)
        {
            return null;
        }

        var (line, column) = PositionOf(text, invalid);
        return new(YamlDocument.Locate(source, line, column), null, "", $"invalid character U+{(int)text[invalid]:X4}: a resource file must be YAML or JSON text");
    }

    /// <summary>The problem of a file over <see cref="ResourceLoader.MaxFileBytes"/>.</summary>
    public static ResourceProblem TooLarge(string source) =>
        new(source, null, "", $"too large: a resource file may hold at most {ResourceLoader.MaxFileBytes / (1024 * 1024)} MiB");

    /// <summary>Cuts <paramref name="text"/> before each line that starts a document; directive lines (<c>%YAML</c>) go with the document they precede.</summary>
    public static IEnumerable<Piece> Split(string text)
    {
        var (start, startLine) = (0, 0);
        var (directives, directivesLine) = (-1, 0);
        var (lineStart, line) = (0, 0);
        while (lineStart < text.Length)
        {
            var newline = text.IndexOf('\n', lineStart);
            var lineEnd = newline < 0 ? text.Length : newline;
            if (IsDocumentStart(text.AsSpan(lineStart, lineEnd - lineStart)))
            {
                var (cut, cutLine) = directives >= 0 ? (directives, directivesLine) : (lineStart, line);
                if (cut > start)
                {
                    yield return new(text[start..cut], startLine);
                    (start, startLine) = (cut, cutLine);
                }
            }

            if (lineEnd > lineStart && text[lineStart] == '%')
            {
                (directives, directivesLine) = directives >= 0 ? (directives, directivesLine) : (lineStart, line);
            }
            else
            {
                directives = -1;
            }

            (lineStart, line) = (lineEnd + 1, line + 1);
        }

        if (start < text.Length)
        {
            yield return new(text[start..], startLine);
        }
    }

    /// <summary>Parses one piece into its documents; a syntax error adds one problem and drops the document it is in.</summary>
    public static List<YamlDocument> Parse(Piece piece, string source, List<ResourceProblem> problems)
    {
        var documents = new List<YamlDocument>();
        var scanner = new Scanner(new StringReader(piece.Text));
        var parser = new Parser(scanner);
        var open = new Stack<ParsingEvent>();
        List<ParsingEvent>? events = null;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart start:
                        events = [start];
                        break;
                    case DocumentEnd end when events is not null:
                        events.Add(end);
                        documents.Add(new(source, piece.LineOffset, events));
                        events = null;
                        break;
                    case StreamStart or StreamEnd:
                        break;
                    case { } other:
                        events?.Add(other);
                        Track(open, other);
                        if (open.Count > ResourceLoader.MaxNestingDepth)
                        {
                            // The parser's work per token grows with the depth: stop before it turns quadratic.
                            problems.Add(new(YamlDocument.Locate(source, other.Start.Line + piece.LineOffset, other.Start.Column), null, "",
                                $"nested deeper than {ResourceLoader.MaxNestingDepth} levels"));
                            return documents;
                        }

                        break;
                }
            }
        }
        catch (Exception ex)
        {
            // Any exception: YamlDotNet also throws InvalidOperationException on some unclosed flow collections.
            problems.Add(SyntaxProblem(ex, piece, source, scanner, open));
        }

        return documents;
    }

    /// <summary>YamlDotNet's message without its own location (reported separately), in words rather than event names.</summary>
    public static string Describe(Exception ex)
    {
        var message = ex.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && marker >= 0)
        {
            message = message[(marker + 3)..];
        }

        message = TrailingMarkRegex().Replace(message, "")
            .Replace("'MappingStart'", "a mapping", StringComparison.Ordinal)
            .Replace("'SequenceStart'", "a sequence", StringComparison.Ordinal)
            .Replace("'Scalar'", "a scalar", StringComparison.Ordinal)
            .TrimEnd('.');
        return message.Length == 0 ? "invalid YAML" : char.ToLowerInvariant(message[0]) + message[1..];
    }

    private static ResourceProblem SyntaxProblem(Exception ex, Piece piece, string source, Scanner scanner, Stack<ParsingEvent> open)
    {
        var flow = open.FirstOrDefault(e => e is MappingStart { Style: MappingStyle.Flow } or SequenceStart { Style: SequenceStyle.Flow });
        var (opening, closing) = flow is MappingStart ? ('{', '}') : ('[', ']');
        string Where(Mark mark) => YamlDocument.Locate(source, mark.Line + piece.LineOffset, mark.Column);
        if (ex is not YamlException yaml)
        {
            return flow is null
                ? new(Where(scanner.CurrentPosition), null, "", "invalid YAML")
                : new(Where(flow.Start), null, "", $"flow {(opening == '{' ? "mapping" : "sequence")} is not closed: expected ',' or '{closing}'");
        }

        // A few scanner errors carry no position; the scanner then still stands where it failed.
        var mark = yaml.Start.Index == 0 && yaml.End.Index == 0 ? scanner.CurrentPosition : yaml.Start;
        var message = Describe(yaml);
        if (message.Contains(" tab ", StringComparison.Ordinal))
        {
            var tab = IndexOfIndentationTab(piece.Text, (int)Math.Min(mark.Index, piece.Text.Length));
            var (line, column) = tab >= 0 ? PositionOf(piece.Text, tab) : (mark.Line, mark.Column);
            return new(YamlDocument.Locate(source, line + piece.LineOffset, column), null, "", "tabs cannot be used for indentation; indent with spaces");
        }

        if (flow is not null && flow.Start.Line < mark.Line)
        {
            message += $"; the \"{opening}\" at line {flow.Start.Line + piece.LineOffset}, column {flow.Start.Column} is not closed";
        }

        return new(Where(mark), null, "", message);
    }

    // The collections open at this point of the document, innermost on top.
    private static void Track(Stack<ParsingEvent> open, ParsingEvent current)
    {
        if (current is MappingStart or SequenceStart)
        {
            open.Push(current);
        }
        else if (current is MappingEnd or SequenceEnd && open.Count > 0)
        {
            open.Pop();
        }
    }

    private static bool IsDocumentStart(ReadOnlySpan<char> line) =>
        line.StartsWith("---", StringComparison.Ordinal) && (line.Length == 3 || line[3] is ' ' or '\t' or '\r');

    // The first tab at or after `from` that has only whitespace before it on its line.
    private static int IndexOfIndentationTab(string text, int from)
    {
        for (var i = text.IndexOf('\t', from); i >= 0; i = text.IndexOf('\t', i + 1))
        {
            var lineStart = text.LastIndexOf('\n', Math.Max(i - 1, 0)) + 1;
            if (text.AsSpan(lineStart, i - lineStart).Trim(" \t").IsEmpty)
            {
                return i;
            }
        }

        return -1;
    }

    // 1-based line and column of a character; a tab counts as one column, as in the parser's marks.
    private static (long Line, long Column) PositionOf(string text, int index)
    {
        var span = text.AsSpan(0, index);
        var lineStart = span.LastIndexOf('\n') + 1;
        return (span.Count('\n') + 1, index - lineStart + 1);
    }

    [GeneratedRegex(@"\s*\(at Line: \d+, Col: \d+, Idx: \d+\)\.?$")]
    private static partial Regex TrailingMarkRegex();

    /// <summary>A run of whole lines of the source, starting <paramref name="LineOffset"/> lines into it.</summary>
    internal readonly record struct Piece(string Text, int LineOffset);
}
