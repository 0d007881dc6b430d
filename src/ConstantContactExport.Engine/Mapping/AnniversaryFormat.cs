namespace ConstantContactExport.Engine.Mapping;

/// <summary>The anniversary forms the JSON import takes: MM/DD/YYYY, M/D/YYYY, YYYY/MM/DD, YYYY/M/D, YYYY-MM-DD, YYYY-M-D, M-D-YYYY, M-DD-YYYY.</summary>
internal static class AnniversaryFormat
{
    public const string Forms = "M/D/YYYY, YYYY/M/D, YYYY-M-D or M-D-YYYY";

    public static bool IsValid(string text)
    {
        // Three numeric parts with one separator ('/' or '-'): the year of four digits first or last, month and
        // day of one or two digits, month 1-12 and day 1-31.
        string[] parts = text.Split('/');
        if (parts.Length != 3)
        {
            parts = text.Split('-');
        }

        if (parts.Length != 3)
        {
            return false;
        }

        if (parts[0].Length == 4)
        {
            return IsNumber(parts[0], 4, 4, 1, 9999) && IsNumber(parts[1], 1, 2, 1, 12) && IsNumber(parts[2], 1, 2, 1, 31);
        }

        return IsNumber(parts[0], 1, 2, 1, 12) && IsNumber(parts[1], 1, 2, 1, 31) && IsNumber(parts[2], 4, 4, 1, 9999);
    }

    private static bool IsNumber(string part, int minDigits, int maxDigits, int min, int max)
    {
        if (part.Length < minDigits || part.Length > maxDigits)
        {
            return false;
        }

        int value = 0;
        foreach (char c in part)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value >= min && value <= max;
    }
}
