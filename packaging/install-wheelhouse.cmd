@echo off
rem Install studio-comm from this wheelhouse into %LOCALAPPDATA%\studio-comm, with no network:
rem pip sees only the wheels in .\wheels. Needs the Python named in .\PYTHON (py launcher).
setlocal
set "HERE=%~dp0"
set /p PYVER=<"%HERE%PYTHON"
set "TARGET=%LOCALAPPDATA%\studio-comm"
if exist "%TARGET%" rmdir /s /q "%TARGET%"
py -%PYVER% -m venv "%TARGET%" || goto :fail
"%TARGET%\Scripts\python.exe" -m pip --isolated --disable-pip-version-check install --quiet --no-index --find-links "%HERE%wheels" "studio-comm[postgres]" || goto :fail
echo studio-comm installed; start it with "%TARGET%\Scripts\studio-comm.exe"
exit /b 0
:fail
echo studio-comm: installation failed 1>&2
exit /b 1
