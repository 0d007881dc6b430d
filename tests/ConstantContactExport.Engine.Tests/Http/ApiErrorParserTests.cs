using System.Collections.Generic;
using ConstantContactExport.Engine.Http;

namespace ConstantContactExport.Engine.Tests.Http;

public sealed class ApiErrorParserTests
{
    [Fact]
    public void Reads_an_array_of_error_keys()
    {
        IReadOnlyList<ApiErrorDetail> errors = ApiErrorParser.Parse(
            """[{"error_key":"contacts.api.not_found","error_message":"contact_id is in an invalid format."},{"error_key":"b","error_message":"second"}]""", "Not Found");
        Assert.Equal(2, errors.Count);
        Assert.Equal("contacts.api.not_found", errors[0].ErrorKey);
        Assert.Equal("contact_id is in an invalid format.", errors[0].ErrorMessage);
    }

    [Fact]
    public void Reads_one_error_object()
    {
        ApiErrorDetail error = Assert.Single(ApiErrorParser.Parse("""{"error_key":"throttled","error_message":"Too Many Requests"}""", "Too Many Requests"));
        Assert.Equal("throttled", error.ErrorKey);
    }

    [Fact]
    public void Reads_an_OAuth_error()
    {
        ApiErrorDetail error = Assert.Single(ApiErrorParser.Parse("""{"error":"invalid_grant","error_description":"The refresh token is invalid or expired."}""", "Bad Request"));
        Assert.Equal("invalid_grant", error.ErrorKey);
        Assert.Equal("The refresh token is invalid or expired.", error.ErrorMessage);
    }

    [Theory]
    [InlineData("<html>Bad gateway</html>", "(an HTML or XML page, not shown)")]
    [InlineData("", "Service Unavailable")]
    [InlineData(null, "Service Unavailable")]
    public void Falls_back_to_the_text_or_the_reason(string? body, string expected)
    {
        ApiErrorDetail error = Assert.Single(ApiErrorParser.Parse(body, "Service Unavailable"));
        Assert.Null(error.ErrorKey);
        Assert.Equal(expected, error.ErrorMessage);
    }

    [Fact]
    public void Takes_tokens_out_of_messages_and_keeps_ids()
    {
        const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        ApiErrorDetail error = Assert.Single(ApiErrorParser.Parse(
            $$"""{"error":"invalid_grant","error_description":"Token {{Token}} for list 04fe9a97-a579-43c5-bb1a-58ed29bf0a6a at /v3/activities/contacts_json_import is bad; short-secret too"}""",
            "Bad Request", "short-secret"));
        Assert.DoesNotContain(Token, error.ErrorMessage);
        Assert.DoesNotContain("short-secret", error.ErrorMessage);
        Assert.Contains("04fe9a97-a579-43c5-bb1a-58ed29bf0a6a", error.ErrorMessage);
        Assert.Contains("/v3/activities/contacts_json_import", error.ErrorMessage);
        Assert.Contains(SecretRedactor.Placeholder, error.ErrorMessage);
    }

    [Fact]
    public void Routes_name_query_parameters_without_their_values()
    {
        Assert.Equal("/v3/contacts?email=...&limit=...", RequestRoute.Of(new System.Uri("https://api.cc.email/v3/contacts?email=ada%40example.com&limit=50")));
    }
}
