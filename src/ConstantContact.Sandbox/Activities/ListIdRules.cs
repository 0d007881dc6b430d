using ConstantContact.Sandbox.Contacts;

namespace ConstantContact.Sandbox.Activities;

/// <summary>Checks a request's list_ids: 1 to 50 ids of lists that exist.</summary>
public static class ListIdRules
{
    /// <summary>The distinct ids, or null with an error; <paramref name="missing"/> tells a missing list from a malformed request.</summary>
    public static List<Guid>? Check(IEnumerable<string>? ids, ContactDatabase db, string name, out string? error, out bool missing)
    {
        error = null;
        missing = false;
        var texts = ids?.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToList() ?? [];
        if (texts.Count == 0)
        {
            error = $"{name} is required: 1 to 50 list ids.";
            return null;
        }

        if (texts.Count > Imports.ImportLimits.MaxListIds)
        {
            error = $"{name} holds {texts.Count} list ids; the limit is 50.";
            return null;
        }

        var result = new List<Guid>();
        foreach (var text in texts)
        {
            if (!Guid.TryParse(text, out var id))
            {
                error = $"{name}: '{text}' is not a list id.";
                return null;
            }

            if (!result.Contains(id))
            {
                result.Add(id);
            }
        }

        lock (db.Gate)
        {
            foreach (var id in result)
            {
                if (db.FindList(id) is null)
                {
                    error = $"{name}: the list {id} does not exist.";
                    missing = true;
                    return null;
                }
            }
        }

        return result;
    }
}
