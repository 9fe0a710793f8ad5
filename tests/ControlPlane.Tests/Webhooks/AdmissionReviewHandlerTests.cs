using System.Text;
using System.Text.Json.Nodes;
using LLMKube.Silo.Webhooks;

namespace LLMKube.ControlPlane.Tests.Webhooks;

public sealed class AdmissionReviewHandlerTests
{
    private static readonly AdmissionReviewHandler _handler = AdmissionReviewHandler.Default;

    private static JsonObject Router(string timeout = "30s", string? tier = null) => new()
    {
        ["apiVersion"] = "inference.llmkube.dev/v1alpha1",
        ["kind"] = "ModelRouter",
        ["metadata"] = new JsonObject { ["name"] = "chat", ["namespace"] = "team-a" },
        ["spec"] = new JsonObject
        {
            ["backends"] = new JsonArray(
                new JsonObject { ["name"] = "local", ["inferenceServiceRef"] = new JsonObject { ["name"] = "llama" }, ["timeout"] = timeout },
                tier is null
                    ? new JsonObject { ["name"] = "cloud", ["external"] = new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4o-mini" } }
                    : new JsonObject { ["name"] = "cloud", ["external"] = new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4o-mini" }, ["tier"] = tier }),
        },
    };

    private static ReadOnlyMemory<byte> Review(JsonNode? obj, string operation = "CREATE", string kind = "ModelRouter", string uid = "0b3f-42") => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = new JsonObject { ["group"] = "inference.llmkube.dev", ["version"] = "v1alpha1", ["kind"] = kind },
            ["operation"] = operation,
            ["namespace"] = "team-a",
            ["name"] = "chat",
            ["object"] = obj,
        },
    }.ToJsonString());

    private static JsonNode Response(AdmissionOutcome outcome)
    {
        Assert.Equal("admission.k8s.io/v1", outcome.Review["apiVersion"]!.GetValue<string>());
        Assert.Equal("AdmissionReview", outcome.Review["kind"]!.GetValue<string>());
        return outcome.Review["response"]!;
    }

    [Fact]
    public void AValidRouter_IsAllowed_WithItsUidEchoed()
    {
        var outcome = _handler.Validate(AdmissionKinds.ModelRouter, Review(Router()));

        var response = Response(outcome);
        Assert.Equal((200, true), (outcome.HttpStatus, response["allowed"]!.GetValue<bool>()));
        Assert.Equal("0b3f-42", response["uid"]!.GetValue<string>());
        Assert.Null(response["status"]);
        Assert.Equal(("ModelRouter", "team-a", "chat", "CREATE", 0), (outcome.Kind, outcome.Namespace, outcome.Name, outcome.Operation, outcome.Errors));
    }

    [Fact]
    public void AnInvalidRouter_IsRefused422_WithEveryErrorAsPathAndMessage()
    {
        var router = Router(timeout: "50ms");
        router["spec"]!["defaultRoute"] = "nowhere";

        var outcome = _handler.Validate(AdmissionKinds.ModelRouter, Review(router));

        var response = Response(outcome);
        Assert.False(response["allowed"]!.GetValue<bool>());
        var status = response["status"]!;
        Assert.Equal((422, "Invalid", "Failure"), (status["code"]!.GetValue<int>(), status["reason"]!.GetValue<string>(), status["status"]!.GetValue<string>()));
        var message = status["message"]!.GetValue<string>();
        Assert.Contains("spec.backends[0].timeout: must be >= 100ms; got 50ms", message);
        Assert.Contains("spec.defaultRoute: references undefined backend \"nowhere\"", message);
        Assert.Equal(2, outcome.Errors);
        var details = status["details"]!;
        Assert.Equal(("chat", "ModelRouter"), (details["name"]!.GetValue<string>(), details["kind"]!.GetValue<string>()));
        Assert.Contains(details["causes"]!.AsArray(), c => c!["field"]!.GetValue<string>() == "spec.backends[0].timeout" && c["message"]!.GetValue<string>() == "must be >= 100ms; got 50ms");
    }

    [Fact]
    public void AnObjectOfTheWrongShape_IsRefusedWithItsPath_NotAnException()
    {
        var router = Router();
        router["spec"]!["backends"]![0]!["weight"] = "heavy";

        var outcome = _handler.Validate(AdmissionKinds.ModelRouter, Review(router));

        var status = Response(outcome)["status"]!;
        Assert.Equal(200, outcome.HttpStatus);
        Assert.Equal((400, "BadRequest"), (status["code"]!.GetValue<int>(), status["reason"]!.GetValue<string>()));
        Assert.Equal("the ModelRouter does not read: spec.backends[0].weight: the value does not have the expected type", status["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""")]
    [InlineData("""{"request":{"operation":"CREATE","object":{}}}""")]
    [InlineData("""{"request":{"uid":"u1","object":{}}}""")]
    public void ABodyThatIsNotAnAdmissionReview_Is400WithTheReason(string body)
    {
        var outcome = _handler.Validate(AdmissionKinds.ModelRouter, Encoding.UTF8.GetBytes(body));

        Assert.Equal(400, outcome.HttpStatus);
        var response = Response(outcome);
        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.False(string.IsNullOrWhiteSpace(response["status"]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public void AReviewWithoutAnObject_OrOfAnotherKind_IsRefused()
    {
        var missing = Response(_handler.Validate(AdmissionKinds.ModelRouter, Review(null)));
        Assert.Equal("the AdmissionReview request has no ModelRouter object", missing["status"]!["message"]!.GetValue<string>());

        var other = Response(_handler.Validate(AdmissionKinds.ModelRouter, Review(new JsonObject(), kind: "Model")));
        Assert.Equal("this endpoint admits ModelRouter objects, not Model", other["status"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public void ADelete_IsAlwaysAllowed_AndSoIsAnUpdateOfAnObjectBeingDeleted()
    {
        Assert.True(Response(_handler.Validate(AdmissionKinds.ModelRouter, Review(null, operation: "DELETE")))["allowed"]!.GetValue<bool>());

        var finalizing = Router(timeout: "50ms");
        finalizing["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        Assert.True(Response(_handler.Validate(AdmissionKinds.ModelRouter, Review(finalizing, operation: "UPDATE")))["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public void KindsWithoutADefaulter_AreLeftUnchanged_AndAnInferenceServiceIsValidated()
    {
        static JsonObject Service() => new() { ["metadata"] = new JsonObject { ["name"] = "llama" }, ["spec"] = new JsonObject { ["anything"] = 1 } };

        Assert.False(Response(_handler.Validate(AdmissionKinds.InferenceService, Review(Service(), kind: "InferenceService")))["allowed"]!.GetValue<bool>());
        Assert.Null(Response(_handler.Mutate(AdmissionKinds.Model, Review(Service(), kind: "Model")))["patch"]);
    }

    [Fact]
    public void AModel_IsJudgedByTheSilosSourcePolicy()
    {
        static JsonObject Local() => new() { ["metadata"] = new JsonObject { ["name"] = "llama" }, ["spec"] = new JsonObject { ["source"] = "/models/llama.gguf" } };

        var refused = Response(_handler.Validate(AdmissionKinds.Model, Review(Local(), kind: "Model")));
        Assert.False(refused["allowed"]!.GetValue<bool>());
        Assert.Contains("spec.source", refused["status"]!["message"]!.GetValue<string>());

        var allowing = AdmissionReviewHandler.For(new LLMKube.Grains.Models.ModelSourcePolicy(["/models"], []));
        Assert.True(Response(allowing.Validate(AdmissionKinds.Model, Review(Local(), kind: "Model")))["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public void Mutate_AnswersAJsonPatch_ForTheAbsentTiersOnly()
    {
        var outcome = _handler.Mutate(AdmissionKinds.ModelRouter, Review(Router()));

        var response = Response(outcome);
        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
        var patch = JsonNode.Parse(Convert.FromBase64String(response["patch"]!.GetValue<string>()))!.AsArray();
        Assert.Equal(
            """[{"op":"add","path":"/spec/backends/0/tier","value":"local"},{"op":"add","path":"/spec/backends/1/tier","value":"cloud"}]""",
            patch.ToJsonString());
        Assert.Equal(2, outcome.Patches);

        var explicitTier = Response(_handler.Mutate(AdmissionKinds.ModelRouter, Review(Router(tier: "local"))));
        var onlyFirst = JsonNode.Parse(Convert.FromBase64String(explicitTier["patch"]!.GetValue<string>()))!.AsArray();
        Assert.Equal("/spec/backends/0/tier", Assert.Single(onlyFirst)!["path"]!.GetValue<string>());
    }

    [Fact]
    public void Mutate_LeavesAnObjectOfTheWrongShape_ToTheSchemaCheck()
    {
        var router = Router();
        router["spec"]!["backends"] = "not a list";

        var response = Response(_handler.Mutate(AdmissionKinds.ModelRouter, Review(router)));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
    }
}
