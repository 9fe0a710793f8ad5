using System.Text;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>Literal text inside an RE2 expression (Envoy's regular expressions).</summary>
public static class Re2
{
    /// <summary><paramref name="literal"/> with every ASCII punctuation character but the underscore escaped.</summary>
    public static string Quote(string literal)
    {
        var text = new StringBuilder(literal.Length * 2);
        foreach (var c in literal)
        {
            if (c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~') && c != '_') text.Append('\\');
            text.Append(c);
        }
        return text.ToString();
    }
}
