using System;
using System.Collections.Generic;
using System.Linq;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Staging;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// Whether a run's input can mean what the export says: every file readable with a header and rows, every mapped
/// field and the segment field present in some input, some profile at all. CSV files are checked up front, before
/// anything is sent; piped input as it is staged, and judged before sending. The ErrorIds are stable.
/// </summary>
internal sealed class RunInputCheck
{
    public const string InputEmpty = nameof(InputEmpty);
    public const string InputBinary = nameof(InputBinary);
    public const string InputHasNoProfiles = nameof(InputHasNoProfiles);
    public const string MappedFieldMissing = nameof(MappedFieldMissing);
    public const string SegmentFieldMissing = nameof(SegmentFieldMissing);

    private readonly ExportMapping mapping;
    private readonly bool segmentFieldUsed;
    private readonly bool[] seen;
    private long notAProfile;

    public RunInputCheck(ExportMapping mapping, bool inputSegmentsGiven)
    {
        this.mapping = mapping;
        segmentFieldUsed = !inputSegmentsGiven && mapping.SegmentIndex >= 0;
        seen = new bool[mapping.SourceFields.Count];
    }

    /// <summary>
    /// Opens each file as the staging will (header, encoding, delimiter), reads its first record, and notes which
    /// fields it lacks. Fields that some files lack are <paramref name="missingPerFile"/> for warnings.
    /// </summary>
    public RunFailure? CheckFiles(IReadOnlyList<string> files, CsvReadOptions options, out Dictionary<string, IReadOnlyList<string>> missingPerFile)
    {
        missingPerFile = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        HashSet<string>? missingEverywhere = null;
        var probe = new ProfileRecord(mapping.SourceFields.Count);
        foreach (string file in files)
        {
            try
            {
                using CsvProfileReader reader = CsvProfileReader.Open(file, mapping.SourceFields, new[] { mapping.EmailField }, options);
                if (!reader.Read(probe))
                {
                    return new RunFailure(InputEmpty, RunErrorKind.InvalidData, $"Cannot read '{file}': it has a header but no rows, so the run would mean nothing. Nothing was sent.");
                }

                var missing = reader.MissingFields.Where(f => segmentFieldUsed || !IsSegmentField(f)).ToList();
                missingPerFile[file] = missing;
                missingEverywhere ??= new HashSet<string>(missing, StringComparer.OrdinalIgnoreCase);
                missingEverywhere.IntersectWith(missing);
            }
            catch (CsvSourceException ex)
            {
                return FromCsvProblem(ex);
            }
        }

        return missingEverywhere is null ? null : Missing(missingEverywhere, "no input file has a column");
    }

    /// <summary>Notes one staged piped profile.</summary>
    public void Note(ProfileRecord record)
    {
        if (record.ReadIssue?.Reason == RejectReason.NotAProfile)
        {
            notAProfile++;
            return;
        }

        SourceValue[] values = record.Values;
        for (int i = 0; i < values.Length; i++)
        {
            seen[i] |= values[i].Kind != SourceValueKind.Missing;
        }
    }

    /// <summary>The verdict on piped input once it is staged.</summary>
    public RunFailure? CheckPiped(ExportLedger ledger)
    {
        if (ledger.InputCount == 0)
        {
            return new RunFailure(InputEmpty, RunErrorKind.InvalidData, "Nothing was piped in: the input holds no profile, so the run would mean nothing. Nothing was sent.");
        }

        if (notAProfile == ledger.InputCount)
        {
            return new RunFailure(InputHasNoProfiles, RunErrorKind.InvalidData,
                $"None of the {ledger.InputCount} input object(s) is a profile (strings, numbers or nulls were piped in; a profile is an object with an email property). Nothing was sent. To read CSV files, give -Path or pipe Get-ChildItem's file objects.");
        }

        var missing = new List<string>();
        for (int i = 0; i < seen.Length; i++)
        {
            string field = mapping.SourceFields[i];
            if (!seen[i] && (segmentFieldUsed || !IsSegmentField(field)))
            {
                missing.Add(field);
            }
        }

        return Missing(missing, "no input profile has a property");
    }

    private RunFailure? Missing(IEnumerable<string> fields, string what)
    {
        var list = fields.ToList();
        if (list.Count == 0)
        {
            return null;
        }

        string? segment = list.FirstOrDefault(IsSegmentField);
        if (segment is not null)
        {
            return new RunFailure(SegmentFieldMissing, RunErrorKind.InvalidData,
                $"The export's -SegmentField is '{mapping.SegmentField}', but {what} of that name, so no profile could be in segment. Nothing was sent. Correct it with Set-CCExport -SegmentField, or give the input's segment with Invoke-CCExport -Segment.");
        }

        return new RunFailure(MappedFieldMissing, RunErrorKind.InvalidData,
            $"The export maps {string.Join(", ", list.Select(f => $"'{f}'"))}, but {what} of {(list.Count == 1 ? "that name" : "those names")}. Nothing was sent. Correct the mapping with Set-CCExport, or the input.");
    }

    private bool IsSegmentField(string field) => mapping.SegmentField is not null && string.Equals(field, mapping.SegmentField.Trim(), StringComparison.OrdinalIgnoreCase);

    private static RunFailure FromCsvProblem(CsvSourceException ex, string sent = "Nothing was sent.") => ex.Problem switch
    {
        CsvSourceProblem.Empty or CsvSourceProblem.NoHeader => new RunFailure(InputEmpty, RunErrorKind.InvalidData, $"{ex.Message} {sent}"),
        CsvSourceProblem.NotText => new RunFailure(InputBinary, RunErrorKind.InvalidData, $"{ex.Message} {sent}"),
        CsvSourceProblem.MissingColumns => new RunFailure(MappedFieldMissing, RunErrorKind.InvalidData, $"{ex.Message} {sent}"),
        CsvSourceProblem.NotFound or CsvSourceProblem.Unreadable => new RunFailure("CsvFile" + ex.Problem, RunErrorKind.ReadError, $"{ex.Message} {sent}"),
        _ => new RunFailure("CsvFile" + ex.Problem, RunErrorKind.InvalidData, $"{ex.Message} {sent}"),
    };

    /// <summary>
    /// A file that failed while it was read (after the check): the run fails with the same ErrorIds. Imports may
    /// have gone out while it was read: <paramref name="sent"/> says what was sent (<see cref="ExportRun.SentSoFar"/>).
    /// </summary>
    public static RunFailure FromReading(CsvSourceException ex, string sent) => FromCsvProblem(ex, sent);
}
