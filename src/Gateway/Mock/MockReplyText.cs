using System.Globalization;
using System.Text;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// The mock's answer: <c>Mock answer to "&lt;the last user message, shortened&gt;".</c>, cut into the
/// pieces a stream sends. By default one piece per word; with <c>chunks</c> set, exactly that many:
/// words are grouped when there are more, and the answer goes on counting (" 1 2 3 ...") when fewer.
/// The JSON answer is the same text, so a streamed and a plain answer always agree.
/// </summary>
internal static class MockReplyText
{
    /// <summary>The longest echo of the user's message, in characters.</summary>
    public const int MaxEcho = 60;

    /// <summary>The pieces of the answer to <paramref name="lastUserText"/>; their concatenation is the whole answer.</summary>
    public static string[] Pieces(string lastUserText, int? chunks)
    {
        var words = $"Mock answer to \"{Summary(lastUserText)}\".".Split(' ');
        var count = chunks ?? words.Length;
        var pieces = new string[count];
        if (count >= words.Length)
        {
            for (var i = 0; i < count; i++)
            {
                pieces[i] = i < words.Length
                    ? (i == 0 ? "" : " ") + words[i]
                    : " " + (i - words.Length + 1).ToString(CultureInfo.InvariantCulture);
            }

            return pieces;
        }

        // Fewer pieces than words: piece i holds words [i*W/N, (i+1)*W/N).
        for (var i = 0; i < count; i++)
        {
            var (from, to) = (i * words.Length / count, (i + 1) * words.Length / count);
            pieces[i] = (i == 0 ? "" : " ") + string.Join(' ', words[from..to]);
        }

        return pieces;
    }

    /// <summary>The whole answer: the pieces joined.</summary>
    public static string Join(string[] pieces) => string.Concat(pieces);

    /// <summary><paramref name="text"/> on one line with runs of white space collapsed, cut to <see cref="MaxEcho"/> characters.</summary>
    public static string Summary(string text)
    {
        var line = new StringBuilder(Math.Min(text.Length, MaxEcho + 1));
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (line.Length > 0 && line[^1] != ' ') line.Append(' ');
            }
            else
            {
                line.Append(c);
            }

            if (line.Length > MaxEcho) break;
        }

        var summary = line.ToString().TrimEnd();
        if (summary.Length == 0) return "(empty)";
        if (summary.Length <= MaxEcho) return summary;
        var cut = MaxEcho - 3;
        if (char.IsHighSurrogate(summary[cut - 1])) cut--; // never split a surrogate pair: JSON could not encode it
        return summary[..cut].TrimEnd() + "...";
    }
}
