"""Build (or refresh) the demo world and print the demo users."""

from django.core.management.base import BaseCommand

from reports.demo import load_demo


class Command(BaseCommand):
    help = "载入演示数据（可重复运行）并打印演示账号"

    def handle(self, *args, **options):
        rows = load_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（用户名 / 密码 / 角色 / 区域）："))
        self.stdout.write("  admin / Dangjian@2026 / 超级管理员 / 全部")
        for username, password, role, region in rows:
            self.stdout.write(f"  {username} / {password} / {role} / {region}")
