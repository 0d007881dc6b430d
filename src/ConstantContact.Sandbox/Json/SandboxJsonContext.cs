using System.Text.Json.Serialization;
using ConstantContact.Sandbox.Account;
using ConstantContact.Sandbox.Activities;
using ConstantContact.Sandbox.Contacts;
using ConstantContact.Sandbox.Faults;
using ConstantContact.Sandbox.Hosting;
using ConstantContact.Sandbox.Inspection;
using ConstantContact.Sandbox.OAuth;

namespace ConstantContact.Sandbox.Json;

/// <summary>Every shape the sandbox reads or writes, in Constant Contact's snake_case.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(ApiError[]))]
[JsonSerializable(typeof(OAuthError))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(DeviceAuthorizationResponse))]
[JsonSerializable(typeof(ContactListResource))]
[JsonSerializable(typeof(ContactListPage))]
[JsonSerializable(typeof(CreateContactListRequest))]
[JsonSerializable(typeof(CustomFieldResource))]
[JsonSerializable(typeof(CustomFieldPage))]
[JsonSerializable(typeof(CreateCustomFieldRequest))]
[JsonSerializable(typeof(ContactPage))]
[JsonSerializable(typeof(ContactResource))]
[JsonSerializable(typeof(ActivityResource))]
[JsonSerializable(typeof(ActivityPage))]
[JsonSerializable(typeof(RemoveListMembershipsRequest))]
[JsonSerializable(typeof(AccountSummaryResource))]
[JsonSerializable(typeof(SandboxStateResource))]
[JsonSerializable(typeof(ListMembersResource))]
[JsonSerializable(typeof(FaultSettings))]
[JsonSerializable(typeof(UnsubscribeRequest))]
[JsonSerializable(typeof(ApproveRequest))]
[JsonSerializable(typeof(ActivityEndsRequest))]
[JsonSerializable(typeof(TokenLifetimeSetting))]
[JsonSerializable(typeof(ActivityEndsResource))]
[JsonSerializable(typeof(CountResource))]
[JsonSerializable(typeof(StartupBanner))]
public sealed partial class SandboxJsonContext : JsonSerializerContext
{
}
