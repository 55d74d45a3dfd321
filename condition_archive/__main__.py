from condition_archive.cli import main

main()
