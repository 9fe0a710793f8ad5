using System.Text;
using LLMKube.Silo.Dashboard;
using Microsoft.Extensions.Primitives;

namespace LLMKube.Observability.Tests.Dashboards;

/// <summary>The Orleans dashboard's access rule, decided from its settings.</summary>
public sealed class DashboardAccessTests
{
    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Theory]
    [InlineData(null, null, null, false, false)]
    [InlineData("ops", "pw", null, false, true)]
    [InlineData(null, null, "tok", false, true)]
    [InlineData(null, null, null, true, true)]
    public void Enabled_OnlyWithCredentialsOrAnonymousAllowed(string? user, string? password, string? token, bool anonymous, bool enabled)
    {
        var (access, problems) = DashboardAccess.From(new DashboardOptions { Username = user, Password = password, Token = token, AllowAnonymous = anonymous });
        Assert.Empty(problems);
        Assert.Equal(enabled, access!.Enabled);
    }

    [Theory]
    [InlineData("ops", null, null, false, "Dashboard:Username and Dashboard:Password go together: set both, or neither")]
    [InlineData(null, "pw", null, false, "Dashboard:Username and Dashboard:Password go together: set both, or neither")]
    [InlineData("o:ps", "pw", null, false, "Dashboard:Username must not contain ':' (HTTP basic authentication separates it from the password with one)")]
    [InlineData(null, null, "tok", true, "Dashboard:AllowAnonymous=true and dashboard credentials exclude each other: choose one")]
    public void ContradictorySettings_AreRefused_NamingTheKey(string? user, string? password, string? token, bool anonymous, string problem)
    {
        var (access, problems) = DashboardAccess.From(new DashboardOptions { Username = user, Password = password, Token = token, AllowAnonymous = anonymous });
        Assert.Null(access);
        Assert.Equal(problem, Assert.Single(problems));
    }

    [Theory]
    [InlineData("ops:pw", true)]
    [InlineData("ops:PW", false)]
    [InlineData("ops:pw2", false)]
    [InlineData("ops", false)]
    [InlineData("", false)]
    public void Basic_AcceptsExactlyTheConfiguredPair(string credentials, bool allowed)
    {
        var access = DashboardAccess.From(new DashboardOptions { Username = "ops", Password = "pw", Token = "tok" }).Access!;
        Assert.Equal(allowed, access.Allows(new StringValues(Basic(credentials))));
    }

    [Fact]
    public void Bearer_AcceptsTheToken_AndNothingElseGetsIn()
    {
        var access = DashboardAccess.From(new DashboardOptions { Token = "tok" }).Access!;
        Assert.True(access.Allows(new StringValues("Bearer tok")));
        Assert.False(access.Allows(new StringValues("Bearer tok2")));
        Assert.False(access.Allows(new StringValues(Basic("ops:tok"))));
        Assert.False(access.Allows(new StringValues("Basic !!not-base64")));
        Assert.False(access.Allows(StringValues.Empty));
        Assert.False(access.Allows(new StringValues(["Bearer tok", "Bearer tok"])));
        Assert.False(access.AcceptsBasic);
    }

    [Fact]
    public void TheOptions_NeverPrintACredential()
    {
        var text = new DashboardOptions { Username = "ops", Password = "pw-secret", Token = "tok-secret" }.ToString();
        Assert.DoesNotContain("secret", text);
        Assert.Contains("ops", text);
    }
}
