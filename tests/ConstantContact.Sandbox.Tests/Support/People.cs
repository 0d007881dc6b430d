namespace ConstantContact.Sandbox.Tests.Support;

/// <summary>Builds import_data items.</summary>
public static class People
{
    public static JsonObject Contact(string email, params (string Key, string Value)[] fields)
    {
        var contact = new JsonObject { ["email"] = email };
        foreach (var (key, value) in fields)
        {
            contact[key] = value;
        }

        return contact;
    }

    public static JsonArray Array(params JsonObject[] contacts) => new(contacts.Cast<JsonNode>().ToArray());

    public static JsonArray Numbered(int count, string prefix = "person", int start = 0) =>
        new(Enumerable.Range(start, count).Select(i => (JsonNode)new JsonObject
        {
            ["email"] = $"{prefix}{i:D7}@example.com",
            ["first_name"] = $"First{i}",
        }).ToArray());
}
