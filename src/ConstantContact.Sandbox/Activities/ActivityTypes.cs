namespace ConstantContact.Sandbox.Activities;

/// <summary>The activity kinds the sandbox runs, named after their endpoints.</summary>
public static class ActivityTypes
{
    public const string JsonImport = "contacts_json_import";
    public const string FileImport = "contacts_file_import";
    public const string RemoveListMemberships = "remove_list_memberships";
}
