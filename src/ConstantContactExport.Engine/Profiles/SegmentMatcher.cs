using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Decides which of the export's segments a profile belongs to. A segment property is a list of names, or one
/// string of names separated by ';' or ','; names are trimmed and compared without regard to case. Each segment
/// carries a set of bits (per-segment lists: the run's lists it goes to); a profile gets the bits of all its segments.
/// </summary>
public sealed class SegmentMatcher
{
    private static readonly char[] Separators = { ';', ',' };
    private readonly Dictionary<string, ulong> segments;

    /// <summary>Every segment with one bit: a member gets 1, anyone else 0.</summary>
    public SegmentMatcher(IEnumerable<string> exportSegments)
        : this(Each(exportSegments))
    {
    }

    /// <param name="segmentBits">Each segment with its bits (a segment named twice gets the bits of both).</param>
    public SegmentMatcher(IEnumerable<KeyValuePair<string, ulong>> segmentBits)
    {
        segments = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, ulong> segment in segmentBits)
        {
            string name = segment.Key.Trim();
            segments[name] = (segments.TryGetValue(name, out ulong bits) ? bits : 0) | segment.Value;
        }
    }

    /// <summary>True when any of the names is one of the export's segments.</summary>
    public bool IsMember(SourceValue value) => BitsOf(value) != 0;

    /// <summary>True when any of the names (given for a whole input) is one of the export's segments.</summary>
    public bool AnyMember(IEnumerable<string> names) => BitsOf(names) != 0;

    /// <summary>The bits of every segment the value names; 0 when it names none of them.</summary>
    public ulong BitsOf(SourceValue value)
    {
        switch (value.Kind)
        {
            case SourceValueKind.Text:
                return BitsOf(value.Text!);
            case SourceValueKind.List:
                ulong bits = 0;
                foreach (string item in value.Items!)
                {
                    if (item is not null)
                    {
                        bits |= BitsOf(item);
                    }
                }

                return bits;
            default:
                return 0;
        }
    }

    /// <summary>The bits of every segment among the names (given for a whole input).</summary>
    public ulong BitsOf(IEnumerable<string> names)
    {
        ulong bits = 0;
        foreach (string name in names)
        {
            bits |= BitsOf(name);
        }

        return bits;
    }

    private ulong BitsOf(string names)
    {
        // The common case, one name with no separator, costs no allocation beyond the trim.
        if (names.IndexOfAny(Separators) < 0)
        {
            return segments.TryGetValue(names.Trim(), out ulong one) ? one : 0;
        }

        ulong bits = 0;
        foreach (string name in names.Split(Separators))
        {
            if (segments.TryGetValue(name.Trim(), out ulong found))
            {
                bits |= found;
            }
        }

        return bits;
    }

    private static IEnumerable<KeyValuePair<string, ulong>> Each(IEnumerable<string> exportSegments)
    {
        foreach (string segment in exportSegments)
        {
            yield return new KeyValuePair<string, ulong>(segment, 1);
        }
    }
}
