using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Decides whether a profile belongs to one of the export's segments. A segment property is a list of names,
/// or one string of names separated by ';' or ','; names are trimmed and compared without regard to case.
/// </summary>
public sealed class SegmentMatcher
{
    private static readonly char[] Separators = { ';', ',' };
    private readonly HashSet<string> segments;

    public SegmentMatcher(IEnumerable<string> exportSegments)
    {
        segments = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string segment in exportSegments)
        {
            segments.Add(segment.Trim());
        }
    }

    /// <summary>True when any of the names is one of the export's segments.</summary>
    public bool IsMember(SourceValue value)
    {
        switch (value.Kind)
        {
            case SourceValueKind.Text:
                return AnyMember(value.Text!);
            case SourceValueKind.List:
                foreach (string item in value.Items!)
                {
                    if (item is not null && AnyMember(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>True when any of the names (given for a whole input) is one of the export's segments.</summary>
    public bool AnyMember(IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            if (AnyMember(name))
            {
                return true;
            }
        }

        return false;
    }

    private bool AnyMember(string names)
    {
        // The common case, one name with no separator, costs no allocation beyond the trim.
        if (names.IndexOfAny(Separators) < 0)
        {
            return segments.Contains(names.Trim());
        }

        foreach (string name in names.Split(Separators))
        {
            if (segments.Contains(name.Trim()))
            {
                return true;
            }
        }

        return false;
    }
}
