namespace ConstantContactExport.Engine.Api;

/// <summary>A contact list.</summary>
/// <param name="ListId">The list's UUID.</param>
/// <param name="Name">Its name (unique in the account).</param>
/// <param name="MembershipCount">Members, when the server said.</param>
public sealed record ContactListInfo(string ListId, string Name, long? MembershipCount);
