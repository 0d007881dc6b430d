using System.Collections.Generic;
using ConstantContactExport.Engine.Mapping;

namespace ConstantContactExport.Benchmarks;

/// <summary>
/// The export the benchmarks stage: docs/demo/New-SampleProfileCsv.ps1's columns mapped as an admin would map them
/// (Invoke-CCExport -Path with -EmailField Email -FirstNameField FirstName -LastNameField LastName, three attributes,
/// segment field Segments, segment Newsletter, one list).
/// </summary>
internal static class SampleExport
{
    public const string Segment = "Newsletter";

    public static readonly IReadOnlyList<string> ListIds = new[] { "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a" };

    public static ExportMapping Mapping() => new(
        emailField: "Email",
        firstNameField: "FirstName",
        lastNameField: "LastName",
        attributes: new[]
        {
            new KeyValuePair<string, string>("company_name", "Company"),
            new KeyValuePair<string, string>("city", "City"),
            new KeyValuePair<string, string>("cf:tier", "Tier"),
        },
        segmentField: "Segments",
        segments: new[] { Segment });
}
