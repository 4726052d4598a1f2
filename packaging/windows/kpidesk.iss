; Inno Setup 6 script: a per-user installer of the one-folder app (no administrator rights needed).
; Not run here (Windows only): .github/workflows/installers.yml builds dist\kpidesk with
; tools\build_app.py and then runs  iscc /DAppVersion=<version> packaging\windows\kpidesk.iss
; which writes dist\kpidesk-<version>-setup.exe (the icon comes from  tools\build_app.py --icons-to dist\icons).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef IconFile
  #define IconFile "..\..\dist\icons\kpidesk.ico"
#endif
#define AppName "KPI Desk"
#define SourceDir "..\..\dist\kpidesk"

[Setup]
AppId={{6F0B7C52-3D2E-4C1B-9A57-1E3B2F6D8A41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=KPI Desk
VersionInfoVersion={#AppVersion}
; per user: installs into %LOCALAPPDATA%\Programs\KPI Desk, Start-menu entry in the user's own menu
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=kpidesk-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\kpidesk-gui.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\kpidesk-gui.exe"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\kpidesk-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\kpidesk-gui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
