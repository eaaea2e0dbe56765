using System.Security.Claims;
using LatchGateway.Admin.Json;
using LatchGateway.Admin.OpenApi;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LatchGateway.Admin.Notifications;

/// <summary><c>/admin/notifications/test</c>: send a test message through one channel and see what it answers.</summary>
internal static class NotificationsApi
{
    private const int MaxBodyBytes = 4 * 1024;

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder admin)
    {
        admin.MapPost("/notifications/test", TestAsync).WithName("testNotificationChannel").WithTags("Notifications").RequireAuthorization(AdminScopes.NotificationsTest)
            .WithSummary("Send a test message through one channel now, outside the outbox, and answer with its outcome: 200 when the channel accepted it, 502 with what it said when not.")
            .WithMetadata(new LatchAdminOpenApi.JsonBodyMetadata(typeof(NotificationTestRequest), Required: true))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        return admin;
    }

    internal static async Task<Results<Ok<NotificationTestResult>, ValidationProblem, ProblemHttpResult>> TestAsync(
        HttpContext context, ClaimsPrincipal caller, ILatchNotificationService notifications, CancellationToken cancellationToken)
    {
        NotificationTestRequest? body;
        Dictionary<string, string[]>? errors;
        try
        {
            (body, errors) = await StrictJsonBody.ReadAsync<NotificationTestRequest>(context.Request, MaxBodyBytes, cancellationToken);
        }
        catch (BadHttpRequestException exception)
        {
            return TypedResults.Problem(detail: "The request body could not be read.", statusCode: exception.StatusCode);
        }

        if (body is null)
        {
            return TypedResults.ValidationProblem(errors!);
        }

        if (string.IsNullOrEmpty(body.Channel) || !notifications.HasChannel(body.Channel))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["channel"] = ["No channel of this name is configured under Latch:Notifications:Channels."] });
        }

        var result = await notifications.TestAsync(body.Channel, AdminActor.Of(context, caller), cancellationToken);
        return result.Outcome == "sent"
            ? TypedResults.Ok(result)
            : TypedResults.Problem(
                detail: $"The channel '{result.Channel}' did not accept the test message: {result.Detail}",
                statusCode: StatusCodes.Status502BadGateway,
                extensions: new Dictionary<string, object?> { ["error"] = "notification_failed", ["channel"] = result.Channel, ["outcome"] = result.Outcome });
    }
}

/// <summary>Body of <c>POST /admin/notifications/test</c>.</summary>
public sealed record NotificationTestRequest
{
    /// <summary>The name of a channel under Latch:Notifications:Channels.</summary>
    public string? Channel { get; init; }
}
