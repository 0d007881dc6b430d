using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Connections;

/// <summary>
/// <para type="synopsis">Connects to a Constant Contact account and saves the connection under a name.</para>
/// <para type="description">
/// Signs in with OAuth2 and keeps the tokens in the secret store (DPAPI on Windows, an owner-only file elsewhere).
/// By default the device flow: a URL and a code are shown; open the URL on any device, sign in, enter the code.
/// -Browser signs in with the system browser (authorization code with PKCE on a loopback redirect registered with
/// the application, -RedirectUri).
/// -RefreshToken takes a refresh token obtained elsewhere, for runbooks where nobody can sign in.
/// Profile data is personal data: accept the data privacy notice with -AcceptDataPrivacyNotice or at the prompt.
/// </para>
/// </summary>
[Cmdlet(VerbsCommon.New, "CCConnection", DefaultParameterSetName = DeviceFlowSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "New-CCConnection.md")]
[OutputType(typeof(CCConnection))]
public sealed class NewCCConnectionCommand : AsyncPSCmdlet
{
    private const string DeviceFlowSet = "DeviceFlow";
    private const string BrowserSet = "Browser";
    private const string RefreshTokenSet = "RefreshToken";

    internal const string PrivacyNoticeCaption = "Data privacy notice";

    internal const string PrivacyNoticeText =
        "Exports through this connection send profile data (names, email addresses and the other fields you map: personal data) "
        + "out of the systems it came from to Constant Contact, which stores and processes it under its own terms. Send only data "
        + "you have a lawful basis to share with Constant Contact for email marketing, as your data protection agreement with them allows. "
        + "Do you accept this for the connection?";

    /// <summary><para type="description">The connection's name: what -Connection takes elsewhere. Letters, digits, '-', '_' and '.'; at most 64 characters.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary><para type="description">Your Constant Contact application's API key (its OAuth client id), from the developer portal.</para></summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ApiKey")]
    public string ClientId { get; set; } = string.Empty;

    /// <summary><para type="description">The application's client secret, for an application that has one (token requests then use HTTP Basic).</para></summary>
    [Parameter]
    public SecureString? ClientSecret { get; set; }

    /// <summary><para type="description">Sign in with the system browser (authorization code with PKCE, redirect to 127.0.0.1) rather than the device flow.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = BrowserSet)]
    public SwitchParameter Browser { get; set; }

    /// <summary><para type="description">With -Browser: the redirect URI registered with your application, exactly as registered (the server compares it character for character). An http loopback address with a port; http://127.0.0.1:8765/callback by default.</para></summary>
    [Parameter(ParameterSetName = BrowserSet)]
    [ValidateNotNull]
    public Uri? RedirectUri { get; set; }

    /// <summary><para type="description">A refresh token obtained elsewhere (for runbooks): no sign-in happens. It is spent at once; with rotating refresh tokens the connection keeps its successor.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = RefreshTokenSet)]
    public SecureString? RefreshToken { get; set; }

    /// <summary><para type="description">A name for people; the connection's name by default.</para></summary>
    [Parameter]
    public string? DisplayName { get; set; }

    /// <summary><para type="description">The API's base URI; https://api.cc.email/v3 by default. Plain http only on loopback (the sandbox).</para></summary>
    [Parameter]
    public Uri? ApiBaseUri { get; set; }

    /// <summary><para type="description">The authorization server's base URI; https://authz.constantcontact.com/oauth2/default/v1 by default.</para></summary>
    [Parameter]
    public Uri? AuthBaseUri { get; set; }

    /// <summary><para type="description">Other users (DOMAIN\user on Windows, login names elsewhere) who may run exports with this connection, besides you.</para></summary>
    [Parameter]
    [Alias("ExportUsers")]
    public string[] ExportUser { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Accepts the data privacy notice without a prompt (needed in non-interactive sessions).</para></summary>
    [Parameter]
    public SwitchParameter AcceptDataPrivacyNotice { get; set; }

    /// <summary><para type="description">Replaces a connection of the same name.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Returns the new connection.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        StoragePaths paths = ModuleHome.Open(this);
        if (SafeName.Problem(Name) is { } problem)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{Name}' is not a usable connection name: {problem}"), ConnectionErrorIds.InvalidConnectionName, ErrorCategory.InvalidArgument, Name));
        }

        Uri apiBase;
        Uri authBase;
        Uri redirectUri = RedirectUri ?? BrowserFlow.DefaultRedirectUri;
        if (LoopbackRedirectListener.Problem(redirectUri) is { } redirectProblem)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{redirectUri.OriginalString}' cannot be the -RedirectUri: {redirectProblem}. Register a loopback redirect URI such as {BrowserFlow.DefaultRedirectUri} with the application and give it here."),
                ConnectionErrorIds.InvalidRedirectUri, ErrorCategory.InvalidArgument, RedirectUri));
        }

        try
        {
            apiBase = ConnectionEndpoints.Check(ApiBaseUri ?? ConnectionEndpoints.DefaultApiBaseUri, nameof(ApiBaseUri));
            authBase = ConnectionEndpoints.Check(AuthBaseUri ?? ConnectionEndpoints.DefaultAuthBaseUri, nameof(AuthBaseUri));
        }
        catch (ConnectionException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Name, ex.ErrorId));
            return;
        }

        var store = new ConnectionStore(paths);
        ConnectionInfo? existing = store.Find(Name);
        if (existing is not null && !Force)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ConnectionException(ConnectionErrorIds.ConnectionExists, ConnectionErrorKind.AlreadyExists,
                    $"A connection named '{existing.Name}' exists already (created by {existing.CreatedBy} on {existing.CreatedOn.LocalDateTime.ToString("d", CultureInfo.CurrentCulture)}). Use -Force to replace it."),
                ConnectionErrorIds.ConnectionExists, ErrorCategory.ResourceExists, Name));
        }

        if (!ShouldProcess($"Connection '{Name}' to {apiBase}", existing is null ? "Create" : "Replace"))
        {
            return;
        }

        EnsurePrivacyNoticeAccepted();

        DateTimeOffset now = DateTimeOffset.Now;
        // Names compare without regard to case: a replacement keeps the existing name, and with it the same files.
        string name = existing?.Name ?? Name;
        var info = new ConnectionInfo(name, DisplayName, apiBase, authBase, ClientId.Trim(), UserIdentity.Current, now, ExportUser, now);
        var authorizer = new ConnectionAuthorizer(paths);
        string? clientSecret = SecureStrings.ToPlainText(ClientSecret);
        try
        {
            TokenSet tokens = ParameterSetName switch
            {
                BrowserSet => Run(ct => authorizer.BrowserFlowAsync(info, clientSecret, redirectUri, PresentBrowserSignIn, BrowserFlow.DefaultTimeout, LogVerbose, ct)),
                RefreshTokenSet => Run(ct => authorizer.RefreshTokenAsync(info, SecureStrings.ToPlainText(RefreshToken) ?? string.Empty, clientSecret, LogVerbose, ct)),
                _ => Run(ct => authorizer.DeviceFlowAsync(info, clientSecret, PresentDeviceCode, LogVerbose, ct)),
            };
            Run(ct => authorizer.SaveAsync(info, tokens, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Name, "NewConnectionFailed"));
        }

        RunspaceConnections.Current.Forget(info.Name, paths);
        RunspaceConnections.Current.Use(info.Name, paths);
        ConnectionInfo saved = store.Get(info.Name);
        var connection = new CCConnection(saved, new TokenStore(paths).Read(saved.Name)?.ExpiresOn);
        WriteInformation(new InformationRecord(
            $"Connection '{saved.Name}' saved; it is this session's default connection. Export users: {string.Join(", ", saved.ExportUsers)}.",
            MyInvocation.MyCommand.Name));
        if (PassThru)
        {
            WriteObject(connection);
        }
    }

    private void EnsurePrivacyNoticeAccepted()
    {
        if (AcceptDataPrivacyNotice)
        {
            return;
        }

        const string Refused = "The data privacy notice was not accepted, so no connection was created.";
        if (HostInteraction.IsNonInteractive(Host))
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException(
                    "This session is not interactive, so nobody can accept the data privacy notice: profile data (personal data) sent "
                    + "through this connection leaves the systems it came from for Constant Contact. Add -AcceptDataPrivacyNotice to accept it. " + Refused),
                ConnectionErrorIds.DataPrivacyNoticeNotAccepted, ErrorCategory.PermissionDenied, Name));
        }

        bool accepted;
        try
        {
            // Explicit Yes/No with No the default: pressing Enter must not accept a personal-data notice.
            var choices = new System.Collections.ObjectModel.Collection<System.Management.Automation.Host.ChoiceDescription>
            {
                new("&Yes", "Accept the notice and create the connection."),
                new("&No", "Do not accept it; no connection is created."),
            };
            accepted = Host.UI.PromptForChoice(PrivacyNoticeCaption, PrivacyNoticeText, choices, 1) == 0;
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or System.Management.Automation.Host.HostException or NotImplementedException or PSNotImplementedException)
        {
            accepted = false;
        }

        if (!accepted)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException(Refused + " Run New-CCConnection again and accept it, or add -AcceptDataPrivacyNotice."),
                ConnectionErrorIds.DataPrivacyNoticeNotAccepted, ErrorCategory.PermissionDenied, Name));
        }
    }

    private void PresentDeviceCode(DeviceAuthorization authorization)
    {
        string complete = authorization.VerificationUriComplete is { } uri ? $" (or open {uri} directly)" : string.Empty;
        string message = $"To connect '{Name}' to Constant Contact, open {authorization.VerificationUri} in a browser on any device{complete} "
            + $"and enter the code {authorization.UserCode}. The code expires in {authorization.ExpiresIn.TotalMinutes:0} minutes. "
            + "Waiting for approval (Ctrl+C cancels)...";
        Post(() => WriteHostInformation(message));
    }

    private void PresentBrowserSignIn(Uri authorizationUri)
    {
        bool opened = BrowserLauncher.TryOpen(authorizationUri);
        string message = opened
            ? $"Your browser has been opened to sign in to Constant Contact for connection '{Name}'. If it did not open, go to:{Environment.NewLine}{authorizationUri}"
            : $"To connect '{Name}' to Constant Contact, open this address in a browser on this computer and sign in:{Environment.NewLine}{authorizationUri}";
        Post(() => WriteHostInformation(message + Environment.NewLine + "Waiting for the sign-in (Ctrl+C cancels)..."));
    }
}
