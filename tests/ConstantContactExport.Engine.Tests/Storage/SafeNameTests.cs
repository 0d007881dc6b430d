using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Tests.Storage;

public sealed class SafeNameTests
{
    [Theory]
    [InlineData("x\u200B")] // zero-width space: looks like "x"
    [InlineData("x\u202Egnp.exe")] // right-to-left override: shows as "xexe.png"
    [InlineData("\uFEFFprod")] // BOM
    [InlineData("pr\u00ADod")] // soft hyphen (Cf)
    [InlineData("pro\u200Dd")] // zero-width joiner
    [InlineData("prod\u2066")] // bidirectional isolate
    [InlineData("prod\uDB40\uDC01")] // a tag character (Cf, outside the BMP)
    [InlineData("pro\u00A0d")] // no-break space: looks like a space
    [InlineData("pro\u3000d")] // ideographic space
    [InlineData("pro\u2028d")] // line separator
    [InlineData("pro\uE000d")] // private use
    [InlineData("prod\uFE0F")] // variation selector
    [InlineData("pro\u3164d")] // Hangul filler: shows as blank
    public void Names_with_invisible_or_formatting_characters_are_refused(string name)
    {
        string? problem = SafeName.Problem(name);
        Assert.NotNull(problem);
        Assert.Contains("invisible or formatting character", problem);
        Assert.Contains("not a usable connection name", Assert.Throws<System.ArgumentException>(() => SafeName.Check(name, "connection")).Message);
    }

    [Fact]
    public void A_broken_surrogate_is_refused()
    {
        // Built here: an attribute's string cannot hold one (the compiler stores U+FFFD).
        string name = "pro" + (char)0xD800 + "d";
        Assert.Contains("U+D800", SafeName.Problem(name));
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("Zoë's export")]
    [InlineData("東京-news")]
    [InlineData("news 😀")]
    [InlineData("a-b_c.d")]
    public void Visible_names_in_any_script_are_kept(string name) => Assert.Null(SafeName.Problem(name));

    [Theory]
    [InlineData("*", true)]
    [InlineData("news*", true)]
    [InlineData("*.x", true)]
    [InlineData("n?ws", true)]
    [InlineData("../secrets/x", false)]
    [InlineData("..", false)]
    [InlineData("x\u200B*", false)]
    [InlineData("a/*", false)]
    public void A_pattern_is_refused_when_it_could_match_only_unsafe_names(string pattern, bool safe) =>
        Assert.Equal(safe, SafeName.PatternProblem(pattern) is null);
}
