namespace LLMKube.Silo.Dashboard;

/// <summary>
/// Who may open the Orleans dashboard on the silo's admin listener, bound from the <c>Dashboard</c> section
/// (<c>LLMKUBE_Dashboard__*</c>; the chart fills them from a Secret). Without credentials the dashboard is not served
/// at all, unless <see cref="AllowAnonymous"/> says that is intended (local development).
/// </summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>HTTP basic authentication: the user name (with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    /// <summary>HTTP basic authentication: the password (with <see cref="Username"/>). Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>A bearer token (<c>Authorization: Bearer ...</c>), for scripts and authenticating proxies. Never logged.</summary>
    public string? Token { get; set; }

    /// <summary>Serve the dashboard to anyone who reaches the admin port. For local development only.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Override ToString so a dump of the options never prints a credential.</summary>
    public override string ToString()
        => $"DashboardOptions {{ Username = {Username}, Password = {(string.IsNullOrEmpty(Password) ? "" : "***")}, Token = {(string.IsNullOrEmpty(Token) ? "" : "***")}, AllowAnonymous = {AllowAnonymous} }}";
}
