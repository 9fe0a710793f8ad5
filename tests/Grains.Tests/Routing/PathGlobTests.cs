using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Tests.Routing;

public class PathGlobTests
{
    // Cases from Go's path/match_test.go, the semantics LLMKube's model globs are defined by.
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("*", "abc", true)]
    [InlineData("*c", "abc", true)]
    [InlineData("a*", "a", true)]
    [InlineData("a*", "abc", true)]
    [InlineData("a*", "ab/c", false)]
    [InlineData("a*/b", "abc/b", true)]
    [InlineData("a*/b", "a/c/b", false)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxe/f", true)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxexxx/f", true)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false)]
    [InlineData("a*b?c*x", "abxbbxdbxebxczzx", true)]
    [InlineData("a*b?c*x", "abxbbxdbxebxczzy", false)]
    [InlineData("ab[c]", "abc", true)]
    [InlineData("ab[b-d]", "abc", true)]
    [InlineData("ab[e-g]", "abc", false)]
    [InlineData("ab[^c]", "abc", false)]
    [InlineData("ab[^b-d]", "abc", false)]
    [InlineData("ab[^e-g]", "abc", true)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "ab", false)]
    [InlineData("a?b", "a☺b", true)]
    [InlineData("a[^a]b", "a☺b", true)]
    [InlineData("a???b", "a☺b", false)]
    [InlineData("[a-ζ]*", "α", true)]
    [InlineData("*[a-ζ]", "A", false)]
    [InlineData("a?b", "a/b", false)]
    [InlineData("a*b", "a/b", false)]
    [InlineData("[\\]a]", "]", true)]
    [InlineData("[\\-]", "-", true)]
    [InlineData("[x\\-]", "x", true)]
    [InlineData("[x\\-]", "-", true)]
    [InlineData("[x\\-]", "z", false)]
    [InlineData("[\\-x]", "a", false)]
    [InlineData("*x", "xxx", true)]
    [InlineData("meta-llama/*", "meta-llama/Llama-3", true)]
    [InlineData("meta-llama*", "meta-llama/Llama-3", false)]
    [InlineData("gpt-4*", "GPT-4o", false)]
    public void IsMatch_FollowsGoPathMatch(string pattern, string name, bool expected)
        => Assert.Equal(expected, PathGlob.IsMatch(pattern, name));

    [Theory]
    [InlineData("[]a]")]
    [InlineData("[-]")]
    [InlineData("[x-]")]
    [InlineData("[a-b-c]")]
    [InlineData("[")]
    [InlineData("[^")]
    [InlineData("[^bc")]
    [InlineData("a[")]
    [InlineData("a\\")]
    [InlineData("*\\")]
    public void Malformed_NeverMatchesAndIsInvalid(string pattern)
    {
        Assert.False(PathGlob.IsValid(pattern));
        Assert.False(PathGlob.IsMatch(pattern, "a"));
    }

    [Fact]
    public void HasMeta_DetectsGlobCharacters()
    {
        Assert.False(PathGlob.HasMeta("llama-3.1-8b"));
        Assert.True(PathGlob.HasMeta("llama-*"));
        Assert.True(PathGlob.HasMeta("q[0-9]"));
    }
}
