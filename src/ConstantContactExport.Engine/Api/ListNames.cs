using System;
using System.Collections.Generic;
using System.Linq;

namespace ConstantContactExport.Engine.Api;

/// <summary>List names as Constant Contact compares them: without regard to case (one list per name, whatever the case).</summary>
public static class ListNames
{
    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    /// <summary>The list of that name: the exact spelling first, else one that differs in case only; or null.</summary>
    public static ContactListInfo? Pick(IEnumerable<ContactListInfo> lists, string name)
    {
        var all = lists.ToList();
        return all.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.Ordinal))
            ?? all.FirstOrDefault(l => Comparer.Equals(l.Name, name));
    }
}
