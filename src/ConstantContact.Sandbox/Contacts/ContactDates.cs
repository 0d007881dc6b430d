using System.Globalization;

namespace ConstantContact.Sandbox.Contacts;

/// <summary>The birthday and anniversary formats imports accept (§1.1).</summary>
public static class ContactDates
{
    private static readonly string[] AnniversaryFormats =
    [
        "MM/dd/yyyy", "M/d/yyyy", "yyyy/MM/dd", "yyyy/M/d", "yyyy-MM-dd", "yyyy-M-d", "M-d-yyyy", "M-dd-yyyy",
    ];

    public static bool IsValidAnniversary(string value) =>
        DateTime.TryParseExact(value, AnniversaryFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    public static bool TryParseBirthday(string? month, string? day, out int? birthdayMonth, out int? birthdayDay)
    {
        birthdayMonth = null;
        birthdayDay = null;
        if (month is null && day is null)
        {
            return true;
        }

        // Each requires the other.
        if (!int.TryParse(month, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) || m is < 1 or > 12
            || !int.TryParse(day, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) || d is < 1 or > 31)
        {
            return false;
        }

        birthdayMonth = m;
        birthdayDay = d;
        return true;
    }
}
