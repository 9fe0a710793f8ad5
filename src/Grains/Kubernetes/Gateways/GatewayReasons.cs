namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// Reasons of the <c>GatewayReady</c> condition (and of the Warning event of a refusal). The refusals come in the order
/// they are checked, all before anything is written, so a refused spec leaves the last applied route serving.
/// </summary>
public static class GatewayReasons
{
    public const string Condition = "GatewayReady";

    public const string Exposed = "Exposed";
    public const string ReconcileFailed = "ReconcileFailed";
    public const string SpecInvalid = "SpecInvalid";

    public const string GatewayRefMissing = "GatewayRefMissing";
    public const string CrdsNotInstalled = "GatewayCRDsNotInstalled";
    public const string UnsupportedMatch = "UnsupportedMatchInGatewayMode";
    public const string UnsupportedBudgetField = "UnsupportedBudgetField";
    public const string UnsupportedBudgetScope = "UnsupportedBudgetScope";
    public const string InvalidBudget = "InvalidBudget";
    public const string InvalidAuth = "InvalidAuth";
    public const string AuthorizationRequiresJwt = "AuthorizationRequiresJWT";
    public const string InvalidAuthorization = "InvalidAuthorization";
    public const string UnsupportedAuditLog = "UnsupportedAuditLogInGatewayMode";
    public const string UnsafeSensitiveRoute = "UnsafeSensitiveRoute";

    /// <summary>A field that configures only our own gateway fleet, or that Envoy would silently drop.</summary>
    public const string UnsupportedField = "UnsupportedFieldInGatewayMode";

    /// <summary>Envoy prefers the match with more headers, not the first rule: a later rule would win over an earlier one.</summary>
    public const string RulePrecedenceConflict = "RulePrecedenceConflict";

    /// <summary>More rules, matches or headers than an AIGatewayRoute holds.</summary>
    public const string RouteTooLarge = "GatewayRouteTooLarge";
}
